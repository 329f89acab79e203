# The two commands (see README): `make demo` and `make test`.
# Everything they need is installed by .ci/setup, idempotently.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo build test bench bench-parts clean

setup:
	@bash .ci/setup

## Build the portal from the embedded demo org and serve it with live reload.
demo: setup
	$(PY) -m generator.cli serve --host $(HOST) --port $(PORT)

## Build the demo portal into site/ without serving.
build: setup
	$(PY) -m generator.cli build

## ruff, then the whole test suite, browser tests included (Debian's Chromium).
test: setup
	@bash .ci/setup --browser
	.venv/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadfile -q -rs $(PYTEST_ARGS)

## The scale benchmark (README, Performance): SIZE=M (1,000 repos, 25,000 resources) or L (250,000); REPEAT=3;
## BENCH_ARGS=--browser also measures the built site in Chromium (bench/bench_browser.py).
SIZE ?= M
REPEAT ?= 3
bench: setup
	$(PY) bench/bench_scale.py --size $(SIZE) --repeat $(REPEAT) $(BENCH_ARGS)

## The older per-stage benchmarks.
bench-parts: setup
	$(PY) bench/bench_catalog.py
	$(PY) bench/bench_portal.py
	$(PY) bench/bench_docs.py

clean:
	rm -rf build site .lookout-cache .bench-cache
