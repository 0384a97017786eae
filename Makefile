# Two entry points do all set-up on a fresh machine (see README):
#   make example   create .venv, install, answer the shipped example request
#   make test      also install the test tools and Debian's Chromium (browser tests),
#                  lint the corpus and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: example test lint bench bench-http setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# the venv's bundled setuptools (65.5.0 on Python 3.11) carries CVE-2024-6345 and
	# CVE-2025-47273 (fixed in 70.0.0 and 78.1.1): upgrade it with pip
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	$(BIN)/pip install --quiet -e '.[all]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser build).
$(TEST_STAMP): $(STAMP)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/pip install --quiet -e '.[all,test]'
	touch $(TEST_STAMP)

setup: $(TEST_STAMP)

example: $(STAMP)
	$(BIN)/cooprules example

lint: $(STAMP)
	$(BIN)/cooprules lint

test: $(TEST_STAMP)
	$(BIN)/cooprules lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

bench-http: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
