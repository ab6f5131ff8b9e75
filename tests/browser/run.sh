#!/bin/sh
# run.sh PROFKIT SVGCHECK FIXTURES - a real browser renders profkit's SVG
# flame graphs as cairo draws them: headless Chromium (Debian `chromium`,
# installed by .ci/deps.sh) screenshots each SVG at its own size, and
# svgcheck compares the screenshot with cairo's PNG of the same graph at
# every box the SVG's hit rectangles name. CPU, heap, differential and
# heap growth.
set -u
pk=$1
check=$2
fx=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
browser=$(command -v chromium || command -v chromium-browser) || {
	echo "FAIL: no chromium (run .ci/deps.sh)"
	exit 1
}
fail=0
shot() { # NAME PROFKIT-ARGS...: SVG + PNG, screenshot, compare
	name=$1
	shift
	"$pk" "$@" --subtitle browser -o "$tmp/$name.svg" &&
		"$pk" "$@" --subtitle browser -o "$tmp/$name.png" || {
		echo "FAIL $name: profkit"
		fail=1
		return
	}
	w=$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)px".*/\1/p' "$tmp/$name.svg" | head -1)
	h=$(sed -n 's/.*<svg[^>]* height="\([0-9]*\)px".*/\1/p' "$tmp/$name.svg" | head -1)
	[ -z "$w" ] && w=$(grep -o 'width="[0-9]*px"' "$tmp/$name.svg" | head -1 | tr -dc 0-9)
	[ -z "$h" ] && h=$(grep -o 'height="[0-9]*px"' "$tmp/$name.svg" | head -1 | tr -dc 0-9)
	# a private profile directory; --no-sandbox: CI runs as root
	timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu \
		--hide-scrollbars --force-device-scale-factor=1 \
		--user-data-dir="$tmp/profile" --window-size="$w,$h" \
		--screenshot="$tmp/$name.shot.png" "file://$tmp/$name.svg" \
		> "$tmp/log" 2>&1
	if [ ! -s "$tmp/$name.shot.png" ]; then
		echo "FAIL $name: no screenshot"
		tail -3 "$tmp/log"
		fail=1
		return
	fi
	if "$check" "$tmp/$name.svg" "$tmp/$name.png" "$tmp/$name.shot.png" > "$tmp/out"; then
		echo "ok $name: $(tail -1 "$tmp/out")"
	else
		echo "FAIL $name:"
		cat "$tmp/out"
		fail=1
	fi
}
shot cpu cpu flame "$fx/cpu/busy_wait.cpuprofile"
shot hostile cpu flame "$fx/cpu/synth_hostile.cpuprofile"
shot heap heap flame "$fx/heap/leak.heapsnapshot.gz"
shot diff cpu diff "$fx/cpu/release_a.cpuprofile" "$fx/cpu/release_b.cpuprofile"
shot growth heap diff "$fx/heap/baseline.heapsnapshot.gz" \
	"$fx/heap/leak.heapsnapshot.gz"
exit $fail
