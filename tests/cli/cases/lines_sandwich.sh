set -e  # every command here must succeed
"$PROFKIT" cpu lines busy_wait.cpuprofile --format json
"$PROFKIT" cpu callers json_parse.cpuprofile 'serialize|deserialize'
"$PROFKIT" cpu callees json_parse.cpuprofile '^roundTrip$' --format json
