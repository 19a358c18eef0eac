# The two commands a new user needs: `make onboard` and `make test`. `make check` is the developer's fast loop:
# lint, import contracts, types, and the core and CLI unit tests (well under 90 s on 2 cores).
# Both create .venv on first use (and again whenever pyproject.toml changes). `make onboard` installs
# only what the wizard needs, and shows pip's progress; `make test` adds the test tools.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APP_STAMP := $(VENV)/.installed-app

# Gettext catalogs: each .po compiles to the .mo beside it (Babel, scripts/catalogs.py) when it is newer,
# before the wizard or the tests run; a fresh clone has no .mo at all (they are build output).
PO := $(wildcard core/locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

.PHONY: onboard test check lint types contracts bench clean catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(APP_STAMP): pyproject.toml
	@echo "==> Setting up $(VENV) for the wizard (first run only; about a minute)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[catalogs]'
	@touch $(APP_STAMP)
	@echo "==> Done. The openclaw command is $(BIN)/openclaw (or: source $(BIN)/activate)"

%.mo: %.po
	@test -x $(BIN)/python || { echo "no $(BIN)/python: run make test or make onboard"; exit 1; }
	$(BIN)/python -m scripts.catalogs compile $<

# Extract every domain from the sources (babel-<domain>.cfg) and merge into the .po files, then compile.
catalogs: $(STAMP)
	$(BIN)/python -m scripts.catalogs update
	$(BIN)/python -m scripts.catalogs compile

onboard: $(APP_STAMP) $(MO)
	$(BIN)/openclaw onboard $(ARGS)

test: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m tests.interop.peers
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# No interop (npm), TUI, integration or slow tests: those stay in `make test`.
check: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q -m "not slow" tests/core tests/cli tests/test_core_is_ui_free.py tests/test_layers.py tests/test_types.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# Layers (pyproject's [tool.importlinter]): app -> screens -> core; core never imports Textual.
contracts: $(STAMP)
	$(BIN)/lint-imports

# Types (pyproject's [tool.mypy]): core/, screens/ and app/ through the openclaw_onboard namespace.
types: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis $(MO)
