# Two entry points do all set-up on a fresh machine (see README):
#   make example   create .venv, install, answer the shipped example request
#   make test      create .venv, install, lint the corpus, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint bench bench-http setup clean

$(STAMP): pyproject.toml
	command -v chromium || (apt-get update && apt-get install -y chromium)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

example: $(STAMP)
	$(BIN)/cooprules example

lint: $(STAMP)
	$(BIN)/cooprules lint

test: $(STAMP)
	$(BIN)/cooprules lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

bench-http: $(STAMP)
	$(BIN)/python benchmarks/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
