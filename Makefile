# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= auto

.PHONY: run test lint install examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,ocr]'
	@if [ -x scripts/setup-system.sh ]; then scripts/setup-system.sh; fi
	@if [ -x scripts/setup-browser.sh ]; then scripts/setup-browser.sh; fi
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/xxgk serve --demo

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -n $(JOBS) -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

examples: $(STAMP)
	$(BIN)/python -m xxgk.examples.generate

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
