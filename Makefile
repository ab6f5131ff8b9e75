# Thin wrapper over CMake. `make demo`: install what is missing, build,
# run profkit on the bundled fixtures. `make check`: build Release and
# Debug+ASan/UBSan and run every test in both.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FX = fixtures/cpu

.PHONY: all deps release asan demo check clean valgrind

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

demo: release
	@sh tests/demo.sh $(CURDIR)/$(BUILD)/release/bin/profkit

check: release asan
	cd $(BUILD)/release && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD)

# Every CLI golden test again with each profkit call under valgrind
# (errors or leaks fail the case). Not part of `check`: slower.
valgrind: release
	VALGRIND=1 sh tests/cli/run.sh $(CURDIR)/$(BUILD)/release/bin/profkit \
		$(CURDIR)/fixtures $(CURDIR)/tests/cli
