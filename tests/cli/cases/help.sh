# --help on every command exits 0 with output on stdout and nothing on
# stderr (bsdtar's test_help); the output starts with "Usage:".
for c in "" "info" "cpu" "cpu top" "cpu tree" "cpu lines" "cpu callers" \
	"cpu callees" "cpu folded"; do
	# shellcheck disable=SC2086
	out=$($PROFKIT $c --help) || { echo "$c: exit $?"; exit 1; }
	case "$out" in
	Usage:*) ;;
	*) echo "$c: no usage text"; exit 1 ;;
	esac
done
echo ok
