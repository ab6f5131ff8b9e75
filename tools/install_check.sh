#!/bin/sh
# install_check.sh BUILD_DIR - installs a built tree into a temporary
# prefix and uses it the way a stranger would: the example program
# docs/examples/topfn.c is built against the installed library through
# pkg-config (shared, and --static against libanalyze.a) and through
# find_package(analyze) (shared and static), each binary must print the
# same top 5 as the installed `profkit cpu top -n 5 --format csv`, the
# shared builds must need libanalyze.so.MAJOR and the static ones no
# libanalyze at all. Also: the version is the one in CMakeLists.txt's
# project() everywhere (pkg-config, CMake package, headers, an_version(),
# profkit --version), the man page is installed and `man -l` renders it
# (every section, no warning), each public header compiles alone as C11 and as
# C++, and the shared library exports an_* symbols only. The prefix is
# removed at the end. Run by `make install-check` (part of `make check`).
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
fixture=$src/fixtures/cpu/busy_wait.cpuprofile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix

fail() {
	echo "install-check: FAIL: $*"
	exit 1
}

version=$(sed -n 's/^project(profkit VERSION \([0-9.]*\).*/\1/p' \
	"$src/CMakeLists.txt")
[ -n "$version" ] || fail "no project(profkit VERSION ...) in CMakeLists.txt"
major=${version%%.*}

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "cmake --install"; }

# --- the layout ---
pc=$(find "$prefix" -name analyze.pc)
[ -n "$pc" ] || fail "no analyze.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in bin/profkit include/analyze/analyze.h include/analyze/version.h; do
	[ -f "$prefix/$f" ] || fail "$f not installed"
done
[ -f "$libdir/libanalyze.a" ] || fail "no libanalyze.a in $libdir"
[ -f "$libdir/libanalyze.so.$version" ] || fail "no libanalyze.so.$version"
[ "$(readlink "$libdir/libanalyze.so.$major")" = "libanalyze.so.$version" ] ||
	fail "libanalyze.so.$major is not a link to libanalyze.so.$version"
[ "$(readlink "$libdir/libanalyze.so")" = "libanalyze.so.$major" ] ||
	fail "libanalyze.so is not a link to libanalyze.so.$major"
for f in analyzeConfig.cmake analyzeConfigVersion.cmake analyzeTargets.cmake
do
	[ -f "$libdir/cmake/analyze/$f" ] || fail "cmake/analyze/$f missing"
done
readelf -d "$libdir/libanalyze.so.$version" |
	grep -q "Library soname: \[libanalyze.so.$major\]" ||
	fail "soname of libanalyze.so.$version is not libanalyze.so.$major"
# hidden visibility: only the public an_* API, never an__* internals
others=$(nm -D --defined-only "$libdir/libanalyze.so.$version" |
	awk '{ print $3 }' | grep -v '^an_[a-z]' || true)
[ -z "$others" ] ||
	fail "libanalyze.so exports non-API symbols: $(echo "$others" | head -5 |
		tr '\n' ' ')"

# --- one version everywhere ---
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
got=$(pkg-config --modversion analyze)
[ "$got" = "$version" ] || fail "analyze.pc says $got, project() $version"
got=$("$prefix/bin/profkit" --version)
[ "$got" = "profkit $version" ] ||
	fail "profkit --version says '$got', want 'profkit $version'"

# --- the man page: installed, and man renders it without a warning ---
man1=$prefix/share/man/man1/profkit.1
[ -f "$man1" ] || fail "no man page share/man/man1/profkit.1 installed"
MANWIDTH=80 man -l "$man1" >"$tmp/man.txt" 2>"$tmp/man.err" ||
	fail "man -l $man1 failed: $(head -3 "$tmp/man.err")"
[ ! -s "$tmp/man.err" ] || fail "man -l $man1: $(head -3 "$tmp/man.err")"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" EXAMPLES \
	"SEE ALSO"; do
	grep -q "^$s\$" "$tmp/man.txt" || fail "man profkit has no $s section"
done
grep -q "^ *profkit cpu top \[OPTIONS\] FILE\$" "$tmp/man.txt" ||
	fail "man profkit: no 'profkit cpu top [OPTIONS] FILE' in SYNOPSIS"
grep -q -- "--filter" "$tmp/man.txt" ||
	fail "man profkit: options not rendered (no --filter)"
# every roff request known to groff, no warnings
groff -man -ww -z "$man1" 2>"$tmp/groff.err" ||
	fail "groff -man failed on profkit.1"
[ ! -s "$tmp/groff.err" ] || fail "groff: $(head -3 "$tmp/groff.err")"

# --- the expected output, from the installed profkit ---
"$prefix/bin/profkit" cpu top "$fixture" -n 5 --format csv >"$tmp/top.csv"
awk -F, 'NR == 1 { printf "%10s  %s\n", "self ms", "function"; next }
	{ us = $(NF - 3); printf "%6d.%03d  %s\n", int(us / 1000),
	  us % 1000, $1 }' "$tmp/top.csv" >"$tmp/want"
[ "$(wc -l <"$tmp/want")" = 6 ] || fail "profkit cpu top gave no top 5"

# run NAME BINARY LINKAGE: runs one build of topfn on the fixture and
# on a bad input; LINKAGE is shared or static
run() {
	"$2" "$fixture" >"$tmp/$1.out" 2>"$tmp/$1.err" ||
		{ cat "$tmp/$1.err"; fail "$1: exit $?"; }
	cmp -s "$tmp/want" "$tmp/$1.out" ||
		{ diff "$tmp/want" "$tmp/$1.out" || true; fail "$1: output differs"; }
	[ -s "$tmp/$1.err" ] && fail "$1: wrote to stderr"
	printf '{"nodes": [' >"$tmp/bad.cpuprofile"
	if "$2" "$tmp/bad.cpuprofile" >"$tmp/$1.bad" 2>"$tmp/$1.err"; then
		fail "$1: exit 0 on a truncated profile"
	fi
	# shellcheck disable=SC2015 # fail unless both hold
	[ "$(wc -l <"$tmp/$1.err")" = 1 ] && grep -q '^topfn: ' "$tmp/$1.err" ||
		fail "$1: bad input did not give one 'topfn: ' line"
	needed=$(readelf -d "$2" | grep NEEDED | grep -o 'libanalyze[^]]*' ||
		true)
	if [ "$3" = shared ]; then
		[ "$needed" = "libanalyze.so.$major" ] ||
			fail "$1 needs '$needed', not libanalyze.so.$major"
		ldd "$2" | grep -q "libanalyze.so.$major => $libdir/" ||
			fail "$1 does not load the installed libanalyze.so"
	else
		[ -z "$needed" ] || fail "$1 (static) needs $needed"
	fi
}

# --- pkg-config: shared, then static ---
for m in shared static; do
	cp -r "$src/docs/examples" "$tmp/pc-$m"
	flag=""
	[ $m = static ] && flag="STATIC=1"
	# shellcheck disable=SC2086
	make -s -C "$tmp/pc-$m" $flag CFLAGS="-std=c11 -O2 -Wall -Wextra \
		-Werror" >"$tmp/make.log" 2>&1 ||
		{ cat "$tmp/make.log"; fail "pkg-config $m build"; }
	LD_LIBRARY_PATH=$libdir run "pkg-config $m" "$tmp/pc-$m/topfn" $m
done

# --- find_package(analyze): shared (analyze::analyze), then static ---
gen=""
command -v ninja >/dev/null && gen="-G Ninja"
for m in shared static; do
	st=OFF
	[ $m = static ] && st=ON
	# shellcheck disable=SC2086
	{ cmake -S "$src/docs/examples" -B "$tmp/cm-$m" $gen \
		-DCMAKE_PREFIX_PATH="$prefix" -Danalyze_USE_STATIC_LIBS=$st \
		-DCMAKE_C_FLAGS="-Wall -Wextra -Werror" &&
	  cmake --build "$tmp/cm-$m"; } >"$tmp/cmake.log" 2>&1 ||
		{ cat "$tmp/cmake.log"; fail "find_package $m build"; }
	run "find_package $m" "$tmp/cm-$m/topfn" $m
done

# --- the headers: each alone, in C11 and C++ ---
cxx=""
command -v c++ >/dev/null && cxx=c++
for h in "$prefix"/include/analyze/*.h; do
	name=analyze/$(basename "$h")
	printf '#include <%s>\ntypedef int not_empty;\n' "$name" >"$tmp/h.c"
	cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
		-I"$prefix/include" "$tmp/h.c" || fail "$name alone in C11"
	[ -z "$cxx" ] && continue
	$cxx -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ \
		-I"$prefix/include" "$tmp/h.c" || fail "$name alone in C++"
done
if [ -n "$cxx" ]; then
	# links only if the declarations are extern "C"
	cat >"$tmp/v.cc" <<EOS
#include <analyze/analyze.h>
#include <cstdio>
#include <cstring>
int main()
{
	std::printf("%s %d.%d.%d\n", an_version(), AN_VERSION_MAJOR,
		    AN_VERSION_MINOR, AN_VERSION_PATCH);
	return std::strcmp(an_version(), AN_VERSION_STRING) != 0;
}
EOS
	# shellcheck disable=SC2046
	$cxx -std=c++11 -Wall -Wextra -Werror -o "$tmp/v" "$tmp/v.cc" \
		$(pkg-config --cflags --libs analyze) || fail "C++ program"
	got=$(LD_LIBRARY_PATH=$libdir "$tmp/v") || fail "C++: an_version()"
	[ "$got" = "$version $version" ] ||
		fail "C++: an_version() and AN_VERSION_* say '$got'"
fi

echo "install-check: ok (libanalyze $version in a fresh prefix:" \
	"pkg-config and find_package, shared and static, C11${cxx:+ and C++}" \
	"headers, soname libanalyze.so.$major)"
