#!/bin/sh
# Installs the Debian packages profkit needs to build and test, only when
# something is missing. Used by `make demo`, `make check` and .ci/run.
# clang builds the fuzz targets (tests/fuzz); libclang-rt-14-dev, only
# recommended by clang on Debian 12, holds libFuzzer and the sanitizers.
# poppler-utils (pdftotext) reads the flame graph PDFs in the CLI tests;
# chromium renders the SVG flame graphs in tests/browser; GNU parallel
# runs the sharded ingest of tests/ingest (the documented fan-out).
set -eu
pkgs="build-essential cmake ninja-build pkg-config libyajl-dev libcairo2-dev
libpcre2-dev libsqlite3-dev sqlite3 zlib1g-dev libzstd-dev zstd libcriterion-dev
fonts-dejavu-core
clang libclang-rt-14-dev poppler-utils chromium parallel"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing </dev/null
