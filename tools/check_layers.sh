#!/bin/sh
# check_layers.sh LAYERS_FILE - proves the library's layering from the
# compiled objects, not from convention. Each line of LAYERS_FILE (written
# by libanalyze/CMakeLists.txt) is
#     NAME USES,...: DEPS,...: OBJECT OBJECT ...
# A layer's objects may call only symbols defined by its own objects, by
# the layers it USES, by the third-party packages in DEPS, or by the C
# runtime. Any other call fails the check with one line per offence.
# It also refuses mutable static storage (a symbol in .data, .data.*,
# .bss, .tdata or .tbss; .data.rel.local holds initialised pointers in
# position-independent code): the library must hold no state that two
# threads could share (docs/architecture.md, threading contract); const
# tables live in .rodata or .data.rel.ro and pass. A listed object that
# is missing or unreadable fails the check too.
set -eu
table=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Third-party packages, recognised by their symbol prefixes.
pkg_of() {
	case $1 in
	yajl_*) echo YAJL ;;
	gz[a-z]* | inflate* | deflate* | crc32* | adler32* | zlibVersion | \
	zError | compress | compress2 | uncompress*) echo ZLIB ;;
	ZSTD_*) echo ZSTD ;;
	pcre2_*) echo PCRE2 ;;
	sqlite3_*) echo SQLITE3 ;;
	cairo_*) echo CAIRO ;;
	*) echo "" ;;
	esac
}

# every listed object must exist and be readable by nm
while IFS= read -r line; do
	[ -n "$line" ] || continue
	for o in ${line##*: }; do
		if [ ! -r "$o" ] || ! nm "$o" >/dev/null 2>&1; then
			echo "layer ${line%% *}: cannot read object $o"
			exit 1
		fi
	done
done <"$table"

# symbol -> defining layer
while IFS= read -r line; do
	[ -n "$line" ] || continue
	name=${line%% *}
	objs=${line##*: }
	# shellcheck disable=SC2086
	nm -g --defined-only $objs 2>/dev/null | awk -v l="$name" \
		'NF == 3 { print $3, l }' >>"$tmp/defs"
done <"$table"
sort -u "$tmp/defs" >"$tmp/defs.sorted"

bad=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	name=${line%% *}
	rest=${line#* }
	uses=${rest%%: *}
	rest=${rest#*: }
	deps=${rest%%: *}
	objs=${rest#*: }
	# shellcheck disable=SC2086
	nm -u $objs 2>/dev/null | awk 'NF == 2 && $1 == "U" { print $2 }' |
		sort -u >"$tmp/undef"
	while IFS= read -r sym; do
		owner=$(awk -v s="$sym" '$1 == s { print $2; exit }' \
			"$tmp/defs.sorted")
		if [ -n "$owner" ]; then
			[ "$owner" = "$name" ] && continue
			case ",$uses," in *",$owner,"*) continue ;; esac
			echo "layer $name calls $sym of layer $owner," \
				"which it does not use (uses: ${uses:-nothing})"
			bad=1
			continue
		fi
		pkg=$(pkg_of "$sym")
		[ -z "$pkg" ] && continue
		case ",$deps," in *",$pkg,"*) continue ;; esac
		echo "layer $name calls $sym of $pkg, which is not among" \
			"its DEPS (${deps:-none})"
		bad=1
	done <"$tmp/undef"
done <"$table"
# mutable file-scope or global variables, in any layer
while IFS= read -r line; do
	[ -n "$line" ] || continue
	name=${line%% *}
	objs=${line##*: }
	for o in $objs; do
		objdump -t "$o" 2>/dev/null | awk -v l="$name" -v f="${o##*/}" '
			$0 ~ / [.](t?data|t?bss)([.][^ \t]*)?[ \t]/ &&
			$0 !~ / [.]data[.]rel[.]ro/ && $NF !~ /^[.]/ &&
			$NF !~ /^_+(asan|ubsan|tsan)/ {
				printf "layer %s: %s holds mutable static %s\n",
					l, f, $NF
			}' >>"$tmp/statics"
	done
done <"$table"
if [ -s "$tmp/statics" ]; then
	cat "$tmp/statics"
	bad=1
fi
exit $bad
