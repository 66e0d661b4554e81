# Translation and publishing pipeline for open letters.
# `make` builds everything; `make test` runs the suite; `make help` lists targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules
# Editions render in parallel, one job per core.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += -j$(JOBS) --output-sync=target

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
OUT := output/$(LETTER)
PUBLISH := output/publish
EDITION_LANGS := en $(filter-out en,$(LANGS))
HTMLS := $(foreach lang,$(EDITION_LANGS),$(OUT)/$(lang).html)
PDFS := $(HTMLS:.html=.pdf)
TEMPLATE_FILES := $(wildcard templates/*.j2 templates/*.css templates/ui/*.po)
SIGNOFF := $(wildcard $(CATALOGS)/signoff.json)
# One stamp per language: its catalog has been through machine translation.
MT := output/.mt/$(LETTER)
MT_STAMPS := $(foreach lang,$(LANGS),$(MT)/$(lang).done)
MODELS_LOCK := translations/argos-models.lock.json
ARGOS_MODELS ?=
LOCK ?=

# Debian packages the stages and tests need (installed only when missing).
DEB_PACKAGES := gettext fontconfig fonts-noto-core libharfbuzz-subset0 qpdf poppler-utils chromium

.DEFAULT_GOAL := all
.PHONY: all help install pot po models translate approve review export pseudo check stats editions html pdf publish test lint format bench clean distclean

all: po $(MT_STAMPS) editions ## Build everything the stages can build (catalogs, MT drafts, editions)

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

models: $(INSTALLED) ## Install en→LANGS Argos models (ARGOS_MODELS=dir: local files; LOCK=update)
	$(PY) -m pipeline models --langs "$(LANGS)" $(if $(ARGOS_MODELS),--from-dir "$(ARGOS_MODELS)") $(if $(filter update,$(LOCK)),--update-lock)

translate: po ## Machine-translate untranslated entries into fuzzy drafts; fails if a model is missing
	$(PY) -m pipeline translate $(SOURCE) --langs "$(LANGS)"
	@mkdir -p $(MT) && touch $(MT_STAMPS)

# Part of `make`: a missing model is only a notice (the editions stay drafts).
$(MT)/%.done: $(CATALOGS)/%.po $(wildcard $(MODELS_LOCK))
	$(PY) -m pipeline translate $(SOURCE) --langs $* --if-available
	@mkdir -p $(@D) && touch $@

approve: po ## Record a sign-off: make approve LANG=ru BY="Name" (refused with drafts or check errors)
	LC_ALL=C.UTF-8 LANG=C.UTF-8 $(PY) -m pipeline approve $(SOURCE) --lang "$(LANG)" --by "$(BY)"

review: po ## Review sheets (HTML, problems first) in output/<letter>/review/<lang>.html
	$(PY) -m pipeline review $(SOURCE) --langs "$(LANGS)"

export: po ## XLIFF 2 and TMX of the reviewed pairs per language in output/<letter>/export/
	$(PY) -m pipeline export $(SOURCE) --langs "$(LANGS)"

pseudo: $(INSTALLED) ## Pseudo-translated edition (en-XA: accented, +1/3 long; never final) to test layout and fonts
	$(PY) -m pipeline pseudo $(SOURCE) --langs "$(LANGS)"

check: po ## Quality checks of every .po (numbers, quotes, script, English left…); fails on errors
	$(PY) -m pipeline check $(SOURCE) --langs "$(LANGS)"

stats: po ## Per-language counts: total, reviewed, draft, untranslated (entries, words)
	@$(PY) -m pipeline stats $(SOURCE) --langs "$(LANGS)"

editions: $(HTMLS) $(PDFS) $(OUT)/index.html ## HTML + PDF edition of en and every language, and index.html

html: editions ## The HTML editions (built together with the PDFs)

pdf: editions ## The PDF editions (built together with the HTML)

# One process renders every stale edition (it decides which), JOBS at a time in
# forked workers, so WeasyPrint starts once; it touches the others, so the next
# make is a no-op.
$(HTMLS) $(PDFS) $(OUT)/index.html &: $(SOURCE) $(POS) $(MT_STAMPS) $(SIGNOFF) $(TEMPLATE_FILES) $(CODE) $(INSTALLED)
	$(PY) -m pipeline editions $(SOURCE) --langs "$(LANGS)" --jobs $(JOBS)

publish: editions ## Copy final editions to output/publish/; fail listing what blocks each draft
	$(PY) -m pipeline publish $(SOURCE) --langs "$(LANGS)" --publish $(PUBLISH)

test: lint ## Run the whole test suite (after ruff)
	$(PY) -m pytest

lint: $(INSTALLED) ## Check formatting and lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED) ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(INSTALLED) ## Benchmarks: merge vs msgmerge; MT batching vs Argos; editions vs bare WeasyPrint
	$(PY) bench/bench_catalog.py
	$(PY) bench/bench_translate.py
	$(PY) bench/bench_editions.py

clean: ## Remove generated editions (output/)
	rm -rf output

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)
