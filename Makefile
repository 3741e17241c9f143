# Two commands do all set-up on a fresh machine (needs only python3 with venv and pip):
#   make demo   - create .venv if missing, install the locked versions (with the sweep extra),
#                 run the main job on the example stack
#   make test   - same bootstrap, then lint, type-check and run the whole test suite
#                 (both install the sweep and explore extras; make test also runs `make browser`)
#   make browser - Debian's chromium and chromium-driver for the explorer's browser test
#                 (apt-get, as root; skipped at once when both are present)
# Both install exactly the versions in requirements/lock.txt, the set CI tests. Maintenance:
#   make docs         - build the documentation site into site/ (mkdocs build --strict)
#   make test-fast    - lint, type-check and the tests not marked slow (under 2 minutes)
#   make test-long    - the whole suite with the long hypothesis profile and the full domain scans
#   make lock         - regenerate requirements/lock.txt and requirements/lowest.txt with uv
#   make test-latest  - the whole suite with the newest releases pyproject.toml allows (.venv-latest)
#   make test-lowest  - the whole suite at the lower bounds of pyproject.toml (.venv-lowest)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
LOWEST := requirements/lowest.txt
# uv resolves the locks; it is needed by `make lock` only, in its own venv
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
COMPILE := $(UV) pip compile pyproject.toml --extra dev --extra sweep --extra docs --extra explore --python-version 3.11 --universal --upgrade \
	--custom-compile-command "make lock" --quiet

.PHONY: demo docs test test-fast test-long test-latest test-lowest lock lint bench clean browser

# The explorer's browser test drives Debian's chromium through chromedriver (Playwright's own
# browser download does not work on the project's machines); idempotent, quick when present.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "chromium and chromedriver present"; \
	else \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium chromium-driver; \
	fi

# A venv holding exactly the pins of a lock file plus this package (editable, no other deps);
# `pip check` then fails if pyproject.toml needs something the lock lacks (run `make lock`).
define install-locked
	test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet -r $(2)
	$(1)/bin/python -m pip install --quiet --no-deps -e .
	$(1)/bin/python -m pip check
	touch $(1)/.installed
endef

$(STAMP): pyproject.toml $(LOCK)
	$(call install-locked,$(VENV),$(LOCK))

.venv-lowest/.installed: pyproject.toml $(LOWEST)
	$(call install-locked,.venv-lowest,$(LOWEST))

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
	$(BIN)/spintorque sweep examples/sweep/co_cu_py.toml -o out/sweep.zarr --json > out/sweep.json
	$(BIN)/spintorque explore --help > /dev/null
	@echo "interactive: $(BIN)/spintorque explore examples/co_cu_py.toml (http://127.0.0.1:8050)"
	@echo "wrote out/: co_cu_py.json, co_cu_py.nc, efficiency.json/.png, profiles.png, hodograph.png, explain.json, sweep.zarr, sweep.json"

# strict: a broken link, a missing API object or an unparsable docstring fails the build
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "wrote site/ (open site/index.html)"

# $(1): a venv's bin directory; each venv keeps its own mypy cache (the cache is per version)
define lint-with
	$(1)/ruff check src tests benchmarks examples
	MYPY_CACHE_DIR=$(dir $(1)).mypy_cache $(1)/mypy
endef

# $(1): a venv's bin directory, $(2): extra pytest arguments
define suite-with
	OPENBLAS_NUM_THREADS=1 $(1)/python -m pytest -n 2 -q $(2)
endef

lint: $(STAMP)
	$(call lint-with,$(BIN))

test: $(STAMP) browser lint
	$(call suite-with,$(BIN),-m "not long")

test-fast: $(STAMP) browser lint
	$(call suite-with,$(BIN),-m "not slow and not long")

# Not in CI: the property tests with their long hypothesis profile (thousands of draws), and the
# full domain scans marked `long` (tens of minutes).
test-long: $(STAMP) browser lint
	SPINTORQUE_TEST_PROFILE=long $(call suite-with,$(BIN))

# Not in CI: the newest releases pyproject.toml allows, to see breakage before it reaches the lock.
test-latest: browser
	test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev,sweep,docs,explore]"
	$(call lint-with,.venv-latest/bin)
	$(call suite-with,.venv-latest/bin)

# The lower bounds of pyproject.toml are true: ruff, mypy and the whole suite pass at
# requirements/lowest.txt. numpy's annotations change with every release (at numpy 2.0-2.3 mypy
# reports 3-73 errors, all in annotations, none at run time), so the oldest mypy checks the code
# against the packages of the lock, and the oldest numpy is tested by running the suite.
test-lowest: $(STAMP) .venv-lowest/.installed browser
	.venv-lowest/bin/ruff check src tests benchmarks examples
	MYPY_CACHE_DIR=.venv-lowest/.mypy_cache .venv-lowest/bin/mypy --python-executable $(BIN)/python
	$(call suite-with,.venv-lowest/bin)

$(UV):
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# lock.txt: the newest releases allowed (what make demo / make test install);
# lowest.txt: every direct dependency at its lower bound (what make test-lowest installs).
lock: $(UV)
	$(COMPILE) -o $(LOCK)
	$(COMPILE) --resolution lowest-direct -o $(LOWEST)

bench: $(STAMP)
	$(BIN)/python benchmarks/transport.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/explore.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
