# tagloop: the two commands that matter on a fresh Debian 12 machine are
#   make demo   install what is missing, build, create the demo data, show it
#   make test   install what is missing, build, run every test (also under ASan+UBSan)
# and `make bench` runs the benchmarks against PostgreSQL (long; not part of test).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 10

.PHONY: all deps build web test test-release test-asan fuzz fuzz-smoke demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps web
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The operator web UI (TypeScript, Vite) into web/dist, served by `tagloop serve`.
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package-lock.json -type f 2>/dev/null)
web: deps web/dist/index.html
web/dist/index.html: $(WEB_SOURCES)
	cd web && npm run build --silent

test: deps test-release test-asan fuzz-smoke
	@echo "make test: all suites passed (release, asan+ubsan, fuzz smoke)"

test-release: build
	ctest --preset release

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

# Runs each libFuzzer target briefly over its corpus; a crash fails the run.
fuzz-smoke: fuzz
	@scripts/fuzz-smoke.sh $(FUZZ_SECONDS)

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build web/dist
