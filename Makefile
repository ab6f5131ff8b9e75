# Thin wrapper over CMake. `make demo`: install what is missing, build,
# run profkit on the bundled fixtures. `make check`: build Release and
# Debug+ASan/UBSan and run every test in both, then the thread test under
# ThreadSanitizer, then install-check, then each fuzz target briefly
# (fuzz-short). `make fuzz`: each fuzz target FUZZ_TIME seconds.
# `make install PREFIX=DIR` (default
# /usr/local; DESTDIR is honoured): profkit, libanalyze.a/.so, headers,
# analyze.pc and the CMake package (docs/library.md).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_SHORT_TIME ?= 15
FX = fixtures/cpu

.PHONY: all deps release asan tsan demo check clean valgrind install \
	install-check fuzz-build fuzz fuzz-short

all: release

deps:
	@sh .ci/deps.sh

release: deps
	cmake -S . -B $(BUILD)/release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD)/release -j $(JOBS)

asan: deps
	cmake -S . -B $(BUILD)/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
		-DAN_SANITIZE=ON
	cmake --build $(BUILD)/asan -j $(JOBS)

# ThreadSanitizer build of the library and the thread test (the
# threading contract, tried by several threads at once).
tsan: deps
	cmake -S . -B $(BUILD)/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DAN_TSAN=ON
	cmake --build $(BUILD)/tsan -j $(JOBS) --target tsan_threads profkit
	cd $(BUILD)/tsan && ctest --output-on-failure -R '^(threads|ingest)_tsan$$'

demo: release
	@sh tests/demo.sh $(CURDIR)/$(BUILD)/release/bin/profkit $(CURDIR)/$(BUILD)/demo

check: release asan
	cd $(BUILD)/release && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j $(JOBS)
	$(MAKE) tsan
	$(MAKE) install-check
	$(MAKE) fuzz-short

# The libFuzzer targets (tests/fuzz), in a configuration of their own:
# clang, the library instrumented for coverage, ASan + UBSan.
fuzz-build: deps
	cmake -S . -B $(BUILD)/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=$(FUZZ_CC) -DAN_FUZZ=ON -DBUILD_TESTING=OFF
	cmake --build $(BUILD)/fuzz -j $(JOBS) --target fuzzers

# Each target FUZZ_TIME seconds (default 5 min), one after the other;
# the corpus grows in $(BUILD)/fuzz/work from run to run. A crash, hang
# or memory blow-up fails it and leaves the input in
# $(BUILD)/fuzz/work/artifacts/TARGET/ (tests/fuzz/run.sh).
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(BUILD)/fuzz/fuzz $(FUZZ_TIME) \
		$(BUILD)/fuzz/work

# What `make check` runs: each target FUZZ_SHORT_TIME seconds (a minute
# for the four), from the seeds and a corpus of its own.
fuzz-short: fuzz-build
	sh tests/fuzz/run.sh $(BUILD)/fuzz/fuzz $(FUZZ_SHORT_TIME) \
		$(BUILD)/fuzz/short

# Release, configured for PREFIX (GNUInstallDirs picks the library
# directory from it, e.g. lib/x86_64-linux-gnu for /usr on Debian).
install: deps
	cmake -S . -B $(BUILD)/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD)/release -j $(JOBS)
	cmake --install $(BUILD)/release --prefix $(PREFIX)

# Installs the Release build into a temporary prefix and builds and runs
# docs/examples/topfn.c against it with pkg-config and find_package,
# shared and static (tools/install_check.sh).
install-check: release
	sh tools/install_check.sh $(BUILD)/release

clean:
	rm -rf $(BUILD)

# Every CLI golden test again with each profkit call under valgrind
# (errors or leaks fail the case). Not part of `check`: slower.
valgrind: release
	VALGRIND=1 sh tests/cli/run.sh $(CURDIR)/$(BUILD)/release/bin/profkit \
		$(CURDIR)/fixtures $(CURDIR)/tests/cli
