# Two commands from a fresh machine: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test verify bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The grader's venv, then a free-threaded CPython and the runtime venv (built once, cached
# in ~/.cache/grade), then bubblewrap where the system can install it.
setup: $(STAMP)
	$(BIN)/grade setup

demo: setup
	@$(BIN)/grade submit examples/notification-pipeline/sample --challenge notification-pipeline; \
	  code=$$?; test $$code -le 1 || exit $$code

test: setup
	$(BIN)/python -m pytest

verify: setup
	$(BIN)/grade verify notification-pipeline --runs 5

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
