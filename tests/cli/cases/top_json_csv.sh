set -e  # every command here must succeed
"$PROFKIT" cpu top regex.cpuprofile --format json -n 4
"$PROFKIT" cpu top regex.cpuprofile --format csv -n 4
