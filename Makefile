# vpce — top-level driver around CMake.
#   make demo   install build packages if missing, build, run `vpce check` on examples/seed
#   make test   install test packages if missing, build, run every test (plain, then ASan+UBSan)
#   make bench  build and run the benchmarks (see bench/README.md)
#   make fuzz   build the libFuzzer harnesses with clang

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

# Debian packages the build needs, and the extra ones the tests need.
BUILD_PKGS = build-essential cmake pkg-config libcmocka-dev zlib1g-dev \
             libcurl4-openssl-dev libexpat1-dev libssl-dev libisal-dev
TEST_PKGS  = $(BUILD_PKGS) clang graphviz chromium openssl

MAKEFLAGS += --no-print-directory
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build demo test test-plain test-asan bench fuzz deps test-deps clean

all: build

define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PKGS))

test-deps:
	$(call install_missing,$(TEST_PKGS))

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@echo "building in $(BUILD)/ ..."
	@cmake --build $(BUILD) -j $(JOBS) >$(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }

demo: build
	@echo "== vpce check examples/seed/us-east-1 --explain =="
	@$(BUILD)/vpce check examples/seed/us-east-1 --explain; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi

test: test-deps
	@$(MAKE) --no-print-directory test-plain
	@$(MAKE) --no-print-directory test-asan

test-plain:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPCE_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVPCE_WERROR=ON -DVPCE_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE integration

bench: build
	@cmake --build $(BUILD) -j $(JOBS)
	@sh bench/run.sh $(BUILD)

fuzz: test-deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DVPCE_FUZZ=ON -DVPCE_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
