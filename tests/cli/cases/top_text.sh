set -e  # every command here must succeed
"$PROFKIT" cpu top busy_wait.cpuprofile -n 6
"$PROFKIT" cpu top busy_wait.cpuprofile -n 3 --weights hits
"$PROFKIT" cpu top recursion.cpuprofile --filter 'fib|sumTo' -n 0
