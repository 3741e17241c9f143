# Two commands do all set-up on a fresh machine:
#   make demo   - create .venv if missing, install, run the main job on the example stack
#   make test   - same bootstrap, then lint, type-check and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/spintorque solve examples/co_cu_py.toml --output out/co_cu_py.nc --json > out/co_cu_py.json
	$(BIN)/spintorque solve examples/co_cu_py.toml
	$(BIN)/spintorque efficiency examples/co_cu_py.toml --rotate F2 --angles 0:180:181 \
		--plot out/efficiency.png --json > out/efficiency.json
	$(BIN)/spintorque profile examples/co_cu_py.toml --plot out/profiles.png
	$(BIN)/spintorque hodograph examples/co_cu_py.toml -o out/hodograph.png
	$(BIN)/spintorque explain examples/co_cu_py.toml
	$(BIN)/spintorque explain examples/co_cu_py.toml --json > out/explain.json
	@echo "wrote out/: co_cu_py.json, co_cu_py.nc, efficiency.json/.png, profiles.png, hodograph.png, explain.json"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy

test: $(STAMP) lint
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/transport.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
