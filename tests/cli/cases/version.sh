# --version prints "profkit X.Y.Z" with the one version number there is:
# the project(profkit VERSION X.Y.Z) line of the top-level CMakeLists.txt
# (generated into analyze/version.h, returned by an_version()). Runs in
# fixtures/cpu, two levels below the source root.
want=$(sed -n 's/^project(profkit VERSION \([0-9.]*\).*/\1/p' \
	../../CMakeLists.txt)
[ -n "$want" ] || { echo "no project() version in CMakeLists.txt"; exit 1; }
got=$($PROFKIT --version) || { echo "--version: exit $?"; exit 1; }
[ "$got" = "profkit $want" ] || {
	echo "--version: '$got', want 'profkit $want'"
	exit 1
}
echo ok
