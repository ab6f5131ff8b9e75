set -e  # every command here must succeed
"$PROFKIT" cpu tree busy_wait.cpuprofile
"$PROFKIT" cpu tree recursion.cpuprofile --max-depth 3 --format csv
"$PROFKIT" cpu tree async_io.cpuprofile --exclude '\(idle\)' --min-percent 5
"$PROFKIT" cpu tree recursion.cpuprofile --focus '^walk$' --max-depth 2
