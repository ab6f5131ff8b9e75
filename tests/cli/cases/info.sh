set -e  # every command here must succeed
"$PROFKIT" info busy_wait.cpuprofile trace_synth_small.json synth_small.cpuprofile.gz ../bad/heap_as_cpu.heapsnapshot
"$PROFKIT" info --format json recursion.cpuprofile
