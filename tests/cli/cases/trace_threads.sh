# Real traces with one CPU profile per thread (fixtures/gen/make_traces.sh):
# info lists them as DevTools' SamplesHandler keeps them (the oracle's
# fixtures/cpu/expected/trace_*.profiles.json: same pid:tid, names,
# samples and totals), the default is the one with the most samples, and
# --profile picks another thread.
"$PROFKIT" info trace_chrome_worker.json.gz trace_node_worker.json || exit 1
"$PROFKIT" cpu top -n 4 --profile 21875:22172 trace_chrome_worker.json.gz || exit 1
"$PROFKIT" info --format json --profile 21875:22172 trace_chrome_worker.json.gz || exit 1
# a thread without a profile: the message lists the ones there are
"$PROFKIT" cpu top --profile 22965:22966 trace_node_worker.json
echo "exit $?"
"$PROFKIT" cpu top --profile 1:2 busy_wait.cpuprofile
echo "exit $?"
"$PROFKIT" cpu top --profile 1 busy_wait.cpuprofile
echo "exit $?"
