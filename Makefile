# Set-up commands: `make demo` and `make test` need only Python 3.10+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml scrubber/kinds/_table_memory.h scrubber/kinds/_word_pairs_kernel.c scrubber/kinds/_mark_scan_kernel.c scrubber/kinds/_char_scan_kernel.c scrubber/kinds/_lang_walk_kernel.c
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## demo: install, clean samples/ into build/demo and show the diff and a per-rule summary
demo: $(STAMP)
	@echo "== scrubber fix samples/ --diff"
	@$(BIN)/scrubber fix samples/ --glob '*.txt' --glob '*.jsonl' --diff
	@echo
	@echo "== scrubber fix samples/ -o build/demo"
	@$(BIN)/scrubber fix samples/ --glob '*.txt' --glob '*.jsonl' -o build/demo
	@echo
	@echo "Cleaned copies are in build/demo/. Try: $(BIN)/scrubber review samples/ --glob '*.txt'   (or: $(BIN)/scrubber check samples/ --glob '*.txt' --format json)"

## test: install with the test extras, run ruff and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check scrubber tests
	$(BIN)/ruff format --check scrubber tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check scrubber tests
	$(BIN)/ruff format --check scrubber tests

## bench: the benchmarks under tests/perf (not part of make test)
bench: $(STAMP)
	@for f in tests/perf/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## docs: regenerate the rule reference in docs/rules.md from the packs
docs: $(STAMP)
	$(BIN)/python -m scrubber.docs_gen docs/rules.md

clean:
	rm -rf build dist *.egg-info .pytest_cache
