# LTX Studio Desktop — developer tasks. The two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared

# Qt offscreen + Xvfb runtime libraries on a bare Debian 12 / Ubuntu (docs: ../shared/design/STACK-NOTES.md §2),
# plus imagemagick for screenshots, the ffmpeg CLI (a baseline in benchmarks, odd fixtures in media tests),
# the validators of the desktop entry and metainfo (desktop-file-utils, appstream), and the accessibility
# bus the screen-reader test reads the app through (dbus for dbus-run-session, at-spi2-core, python3-pyatspi
# for the system Python: tests/ui/test_atspi.py, which skips saying why when they are missing).
APT_PACKAGES := libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 fonts-dejavu-core \
  libdbus-1-3 libpulse0 libgssapi-krb5-2 libxrandr2 libx11-6 libxext6 \
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-util1 \
  libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-shm0 libxcb-sync1 \
  libxcb-xfixes0 libxcb-glx0 imagemagick ffmpeg desktop-file-utils appstream \
  dbus at-spi2-core python3-pyatspi

# Engine tests run in a process where importing Qt fails, proving the core works without it.
NO_QT   := LTXSTUDIO_FORBID_QT=1
PYTEST  := QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.multimedia.*=false" PYTEST_QT_API=pyside6 $(BIN)/pytest
DESELECT := -m "not bench and not soak and not package"

.PHONY: help run sandbox test lint fmt typecheck contracts test-engine test-ui bench soak screenshots sysdeps venv clean

help:
	@echo "make run    - set up .venv and open the app (offline sandbox when no API key is stored)"
	@echo "make test   - set up .venv (+ system packages when root) and run lint, types, import contracts, tests"
	@echo "make sandbox - serve the offline LTX API sandbox on 127.0.0.1:8765"
	@echo "make screenshots - the app's screens under Xvfb into screenshots/ (light and dark)"
	@echo "make soak   - long reliability runs (faulty batches, crashes); LTXSTUDIO_SOAK_JOBS=N"
	@echo "make bench  - benchmarks (BENCH=name to pick some); figures go to docs/PERFORMANCE.md"
	@echo "make lint | fmt | typecheck | contracts | test-engine | test-ui | clean"

# ----------------------------------------------------------------------------- set-up
sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then echo "note: not a Debian-like system; install the Qt runtime libraries yourself:$$missing"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "warning: missing system packages (run 'make test' as root or apt-get install them):$$missing"; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v=sys.version_info; sys.exit(0 if (3,11) <= v[:2] < (3,14) else "ltxstudio needs Python 3.11-3.13, found %d.%d" % v[:2])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

# ----------------------------------------------------------------------------- run
run: sysdeps $(STAMP)
	$(BIN)/ltxstudio

sandbox: $(STAMP)
	$(BIN)/ltxstudio sandbox

# ----------------------------------------------------------------------------- checks
lint: $(STAMP)
	$(BIN)/ruff check ltxstudio tests
	$(BIN)/ruff format --check ltxstudio tests
	@# Dead code in ltxstudio/ (tests count as users; see tests/vulture_whitelist.py).
	@found=$$($(BIN)/vulture ltxstudio tests tests/vulture_whitelist.py --min-confidence 60 \
		| grep '^ltxstudio/'); \
	if [ -n "$$found" ]; then echo "$$found"; echo "vulture: dead code in ltxstudio/"; exit 1; fi; \
	echo "vulture: no dead code in ltxstudio/"

fmt: $(STAMP)
	$(BIN)/ruff format ltxstudio tests
	$(BIN)/ruff check --fix ltxstudio tests

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

test-engine: $(STAMP)
	$(NO_QT) $(PYTEST) -p no:pytest-qt $(DESELECT) --ignore=tests/ui tests

test-ui: $(STAMP)
	@if [ -d tests/ui ]; then $(PYTEST) $(DESELECT) tests/ui; fi

test: sysdeps $(STAMP) lint typecheck contracts test-engine test-ui

# The long reliability runs (LTXSTUDIO_SOAK_JOBS=N to scale); the fast subset runs in `make test`.
# Then the runner's state machine on fresh random interleavings (make test replays a fixed 2 000):
# LTXSTUDIO_SOAK_EXAMPLES=N, 10 000 by default (3 min of CPU here), without the 300 s test timeout.
soak: sysdeps $(STAMP)
	$(NO_QT) $(PYTEST) -p no:pytest-qt -m soak -s tests/reliability
	$(NO_QT) LTXSTUDIO_SOAK_EXAMPLES=$${LTXSTUDIO_SOAK_EXAMPLES:-10000} $(PYTEST) -p no:pytest-qt \
	  --timeout=0 --durations=1 tests/unit/jobs/test_runner_stateful.py

# The app's screens as a user sees them (under Xvfb, both sizes, light and dark) into screenshots/.
screenshots: sysdeps $(STAMP)
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb $(BIN)/python -m tests.ui.screenshots screenshots/light
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb LTXSTUDIO_THEME=dark $(BIN)/python -m tests.ui.screenshots screenshots/dark

# Figures against a baseline measured in the same run; writes docs/PERFORMANCE.md, fails on a missed target.
bench: sysdeps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks $(BENCH)

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache .import_linter_cache

# ----------------------------------------------------------------------------- desktop bundle
# `make package` freezes the app with PyInstaller into dist/ltxstudio-<version>-linux-<arch>.tar.gz
# (docs/PACKAGING.md). PyInstaller is installed into .venv here only; the tests do not need it.
# The tarball is rebuilt when anything it is made from is newer.
VERSION  := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' ltxstudio/__init__.py)
ARCH     := $(shell uname -m)
TARBALL  := dist/ltxstudio-$(VERSION)-linux-$(ARCH).tar.gz
PACKAGE_INPUTS := $(shell find ltxstudio packaging resources -type f -not -name '*.pyc' 2>/dev/null) \
  pyproject.toml LICENSE THIRD-PARTY.md

.PHONY: package package-test

package: $(TARBALL)

$(TARBALL): $(STAMP) $(PACKAGE_INPUTS) | sysdeps
	@if ! command -v objdump >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null; \
	  else echo "error: PyInstaller needs objdump: apt-get install binutils"; exit 1; fi; \
	fi
	$(BIN)/python -m pip install -q "pyinstaller==6.22.3"
	$(BIN)/python packaging/build.py

# Builds the tarball (or reuses an up-to-date one), unpacks it elsewhere and runs its self-test with
# no venv on PATH, installs it into a temporary prefix and validates the desktop files. Not part of
# `make test`: a bundle build takes minutes (see docs/PACKAGING.md).
package-test: $(TARBALL)
	LTXSTUDIO_TARBALL=$(TARBALL) $(PYTEST) -p no:pytest-qt -m package -s tests/package
