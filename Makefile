# Two commands from a fresh machine: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test verify bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,cluster]'
	touch $(STAMP)

# The grader's venv, then a free-threaded CPython and the runtime venv (built once, cached
# in ~/.cache/grade), then bubblewrap where the system can install it.
setup: $(STAMP)
	$(BIN)/grade setup

demo: setup
	@$(BIN)/grade submit examples/notification-pipeline/sample --challenge notification-pipeline; \
	  code=$$?; test $$code -le 1 || exit $$code

test: setup
	$(BIN)/python -m pytest --durations=12

# Debian's chromium, for the browser tests of `grade batch`'s report; installed only where missing.
.PHONY: test-deps
test: test-deps
test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  sudo=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Every challenge: reference and mutants five runs each, the starter once, the author checks.
# (make test runs the same check with two runs: tests/verdicts.)
verify: setup
	@set -e; for manifest in challenges/*/challenge.toml; do \
	  id=$$(basename $$(dirname $$manifest)); \
	  $(BIN)/grade verify $$id --runs 5; \
	done

# Every benchmark in one run (about 15 minutes): prints one table, writes docs/benchmarks.md.
bench: setup
	$(BIN)/python bench/all.py

clean:
	rm -rf $(VENV) .pytest_cache
