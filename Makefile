# Translation and publishing pipeline for open letters.
# `make` builds everything; `make test` runs the suite; `make help` lists targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

SOURCE ?= source/letter.txt
LANGS ?= az ru fr
LETTER := $(basename $(notdir $(SOURCE)))
CATALOGS := translations/$(LETTER)
POT := $(CATALOGS)/$(LETTER).pot
POS := $(foreach lang,$(LANGS),$(CATALOGS)/$(lang).po)
CODE := $(wildcard pipeline/*.py)

# Debian packages the stages and tests need (installed only when missing).
DEB_PACKAGES := gettext

.DEFAULT_GOAL := all
.PHONY: all help install pot po stats test lint format bench clean distclean

all: po ## Build everything the stages can build (venv, template, catalogs)

help: ## List the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 14
	@echo "  Variables: SOURCE=$(SOURCE)  LANGS=\"$(LANGS)\""

install: $(INSTALLED) ## Create .venv, install the project and missing Debian packages

$(INSTALLED): pyproject.toml
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

pot: $(POT) ## Write the gettext template of the letter (SOURCE)

$(POT): $(SOURCE) $(CODE) $(INSTALLED)
	$(PY) -m pipeline pot $(SOURCE)

po: $(POS) ## Create or update one .po per language in LANGS

$(CATALOGS)/%.po: $(POT)
	$(PY) -m pipeline po $(SOURCE) --langs $*

stats: po ## Per-language counts: total, reviewed, draft, untranslated (entries, words)
	@$(PY) -m pipeline stats $(SOURCE) --langs "$(LANGS)"

test: lint ## Run the whole test suite (after ruff)
	$(PY) -m pytest

lint: $(INSTALLED) ## Check formatting and lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED) ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(INSTALLED) ## Benchmarks: segment+merge vs GNU msgmerge on 5,000 segments
	$(PY) bench/bench_catalog.py

clean: ## Remove generated editions (output/)
	rm -rf output

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)
