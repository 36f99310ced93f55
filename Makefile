# kpidesk: `make run` opens the app on the demo database, `make test` runs every test.
# Both create .venv when it is missing and install what the project needs.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-dist lint format dist deb screenshots translations benchmark clean \
	system-deps-run system-deps-test system-deps-dist

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "kpidesk needs Python 3.11 or newer (python3.11, python3.12 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,dist]"
	@touch $@ $(VENV)/.installed-run

system-deps-run:
	@bash .ci/system-deps run

system-deps-test:
	@bash .ci/system-deps test

system-deps-dist:
	@bash .ci/system-deps dist

run: $(VENV)/.installed-run system-deps-run
	$(BIN)/kpidesk --demo

test: $(VENV)/.installed-test system-deps-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not dist" $(PYTEST_ARGS)

test-dist: $(VENV)/.installed-test system-deps-dist
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m dist $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check kpidesk tests benchmarks packaging
	$(BIN)/ruff format --check kpidesk tests benchmarks packaging
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format kpidesk tests benchmarks packaging
	$(BIN)/ruff check --fix kpidesk tests benchmarks packaging

VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' kpidesk/__init__.py)
PLATFORM = $(shell uname -s | tr A-Z a-z)-$(shell uname -m)
ARCHIVE = dist/kpidesk-$(VERSION)-$(PLATFORM).tar.gz

# One-folder bundle (dist/kpidesk/) and its archive, built from a clean build folder.
dist: $(VENV)/.installed-test
	rm -rf build/pyinstaller dist/kpidesk $(ARCHIVE)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--workpath build/pyinstaller --distpath dist kpidesk.spec
	tar -C dist -czf $(ARCHIVE) kpidesk
	@du -sh dist/kpidesk $(ARCHIVE)

# Debian package from that bundle: dist/kpidesk_<version>_amd64.deb (dpkg-deb, no network).
deb: dist
	bash packaging/linux/build-deb.sh dist/kpidesk dist

# Translations: every resources/i18n/<prefix>_<lang>.ts is updated from the Python files it
# (or its Danish sibling) already names plus I18N_SOURCES_<prefix> (for a new file), then
# compiled to its .qm. The sources are English; <prefix>_en.ts holds only the plural forms of
# the `%n` strings (lupdate -pluralonly), so English says "1 run" and "3 runs".
I18N_SOURCES_shell := kpidesk/gui/app.py kpidesk/gui/login.py kpidesk/gui/main_window.py \
	kpidesk/gui/crm_views.py kpidesk/gui/crm_models.py kpidesk/gui/run_status.py
I18N_SOURCES_kpi := \
	$(filter-out kpidesk/gui/setup/datasource_%,$(wildcard kpidesk/gui/setup/*.py))
I18N_SOURCES_source := kpidesk/gui/setup/datasource_page.py kpidesk/gui/setup/datasource_form.py
TS_FILES ?= $(wildcard resources/i18n/*.ts)
ts_prefix = $(firstword $(subst _, ,$(notdir $(1))))
ts_sources = $(sort $(wildcard $(I18N_SOURCES_$(call ts_prefix,$(1))) \
	$(shell sed -n 's/.*filename="\.\.\/\.\.\/\([^"]*\)".*/\1/p' $(1) \
		$(wildcard $(subst _en.ts,_da.ts,$(1))))))
ts_options = $(if $(filter %_en.ts,$(1)),-pluralonly)
define update_ts
	$(BIN)/pyside6-lupdate -silent -no-obsolete $(call ts_options,$(1)) $(call ts_sources,$(1)) -ts $(1)
	$(BIN)/pyside6-lrelease -silent $(1) -qm $(basename $(1)).qm

endef

translations: $(VENV)/.installed-run
	$(foreach ts,$(TS_FILES),$(call update_ts,$(ts)))

# Renders the real windows on a demo database, offscreen on a 1366×768 screen, each at the
# size it opens at, into docs/screenshots/.
screenshots: $(VENV)/.installed-run system-deps-run
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m kpidesk.gui.screenshots docs/screenshots

clean:
	rm -rf build dist .pytest_cache
