# Two entry points for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
EXAMPLE = examples/bekasi-setda-2020
EXAMPLE_WS = build/example

.PHONY: setup run test test-server fuzz bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# Runs the pipeline on a fresh copy of the bundled example drop; the warehouse and
# reports land in output/ (input/ is left alone).
run: setup
	rm -rf $(EXAMPLE_WS)/input && mkdir -p $(EXAMPLE_WS)/input
	cp $(EXAMPLE)/input/*.xlsx $(EXAMPLE_WS)/input/
	$(BIN)/lkip run --input $(EXAMPLE_WS)/input --output output

test: setup
	$(BIN)/python -m pytest -q -m "not server and not fuzz"

# The layout fuzzer's long run (LKIP_FUZZ_EXAMPLES examples, default 1000; hours on 2 cores).
fuzz: setup
	$(BIN)/python -m pytest -q -m fuzz tests/test_fuzz_layouts.py

test-server: setup
	$(BIN)/python -m pytest -q -m server

bench: setup
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf build .pytest_cache
