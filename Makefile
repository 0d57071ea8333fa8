# Tessera's entry points. The README's two commands are `./run.sh demo` and
# `./run.sh test` (they need only bash: run.sh installs make and the rest with
# scripts/setup.sh, then runs the target here). With make installed,
# `make demo` and `make test` do the same: each installs what it needs
# (scripts/setup.sh), builds with CMake + Ninja (+ ccache when present) and runs.
#
#   make demo       set up, build, run the quickstart end to end
#   make test       set up, build, run every test (ctest)
#   make test-slow  the long randomized runs (label slow)
#   make sanitize   the whole suite under ASan + UBSan (build-asan/)
#   make bench      build the benchmarks (see docs/PERFORMANCE.md)
#   make fuzz       build the libFuzzer targets with clang (build-fuzz/)
#   make fuzz-smoke build them, run each FUZZ_SECONDS (default 60) under
#                   ASan/UBSan; any finding fails (fuzz/smoke.sh)
#   make format     clang-format every source file

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-only test-slow sanitize bench fuzz fuzz-smoke format clean

all: build

setup:
	bash scripts/setup.sh

configure:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: setup build
	bash scripts/demo.sh $(BUILD_DIR)

# DuckDB (from npm, into the build tree) is the interop oracle of the format
# tests; installing it is part of the test command.
test: setup build
	bash tests/duckdb/install.sh $(BUILD_DIR)/duckdb
	$(MAKE) --no-print-directory test-only

test-only:
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# The long randomized runs (ctest label slow), e.g. the expression
# differential test against DuckDB with 50,000 expressions.
test-slow: setup
	$(MAKE) --no-print-directory build CMAKE_FLAGS="-DTESSERA_SLOW_TESTS=ON"
	bash tests/duckdb/install.sh $(BUILD_DIR)/duckdb
	cd $(BUILD_DIR) && ctest --output-on-failure -L slow

sanitize: setup
	$(MAKE) --no-print-directory test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_FLAGS="-DTESSERA_SANITIZE=ON -DTESSERA_BUILD_BENCHMARKS=OFF"

bench: setup
	$(MAKE) --no-print-directory build BUILD_TYPE=Release BUILD_DIR=build-release

fuzz: setup
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DTESSERA_FUZZ=ON \
	  -DTESSERA_BUILD_TESTS=OFF -DTESSERA_BUILD_BENCHMARKS=OFF
	cmake --build build-fuzz -j $(JOBS)

FUZZ_SECONDS ?= 60
fuzz-smoke: fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/smoke.sh build-fuzz

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-release build-fuzz
