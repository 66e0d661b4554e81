# Translation and publishing pipeline for open letters.
# `make` builds everything; `make test` runs the suite; `make help` lists targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# A failed or interrupted recipe deletes its target. Every target below is a
# stamp (output/.stamps/) or a generated output, never a file a person edits:
# catalogs and sign-offs are only ever prerequisites, and .PRECIOUS besides.
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
# make cannot name a file whose path has a space: refuse it before anything runs.
ifneq ($(words $(SOURCE)),1)
$(error SOURCE="$(SOURCE)": error: the letter's path must be one word without spaces (make cannot track such a file); rename it or copy it to source/)
endif
LETTER := $(basename $(notdir $(SOURCE)))
# The letter's name (its file name without extension) names folders: letters,
# digits, '.', '_', '-', starting with a letter or digit, never "..".
_SAFE := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 . _ -
_drop = $(if $(2),$(call _drop,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
ifneq ($(or $(if $(LETTER),,empty),$(call _drop,$(LETTER),$(_SAFE)),$(filter .% _% -%,$(LETTER)),$(findstring ..,$(LETTER))),)
$(error SOURCE=$(SOURCE): error: the letter's name "$(LETTER)" (its file name without extension) must be letters, digits, '.', '_' or '-', starting with a letter or digit)
endif
# A missing letter: one line, for the targets that read it.
ifeq ($(wildcard $(SOURCE)),)
ifneq ($(filter-out help install lint format test test-slow test-floors bench clean distclean models lt-server memory,$(or $(MAKECMDGOALS),all)),)
$(error $(SOURCE): error: no such letter (give SOURCE=path/to/letter.txt))
endif
endif
# Language codes name files: each is checked and written its one way (FR -> fr,
# pt-BR -> pt_BR, zh-hant -> zh_Hant) before any path is built, by the code the
# commands use (pipeline/lang/codes.py via pipeline/lang/__main__.py; the CLDR check too once .venv has Babel).
LANGTAG := $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -m pipeline.lang
override LANGS := $(shell $(LANGTAG) LANGS '$(subst ','\'',$(LANGS))' 2>&1)
ifneq ($(.SHELLSTATUS),0)
$(error $(LANGS))
endif
ifneq ($(filter approve accept,$(MAKECMDGOALS)),)
override LANG := $(shell $(LANGTAG) LANG '$(subst ','\'',$(LANG))' --one 2>&1)
ifneq ($(.SHELLSTATUS),0)
$(error $(LANG))
endif
endif
CATALOGS := translations/$(LETTER)
POT := $(CATALOGS)/$(LETTER).pot
POS := $(foreach lang,$(LANGS),$(CATALOGS)/$(lang).po)
SIGNOFF_FILE := $(CATALOGS)/signoff.json
SIGNOFF := $(wildcard $(SIGNOFF_FILE))
OUT := output/$(LETTER)
PUBLISH := output/publish
# Stamps record that a step ran; the files a step writes keep their times when
# their content is unchanged, so unchanged work triggers nothing downstream.
STAMPS := output/.stamps/$(LETTER)
POT_STAMP := $(STAMPS)/pot.stamp
PO_STAMPS := $(foreach lang,$(LANGS),$(STAMPS)/$(lang).po.stamp)
EDITIONS_STAMP := $(STAMPS)/editions.stamp
# Each edition links to the others: the editions step looks again when LANGS
# changes. This file holds the LANGS of the last build, rewritten only then.
EDITIONS_LANGS := $(STAMPS)/editions.langs
ifneq ($(file <$(EDITIONS_LANGS)),$(strip $(LANGS)))
$(shell mkdir -p $(STAMPS))
$(file >$(EDITIONS_LANGS),$(strip $(LANGS)))
endif
EDITION_LANGS := en $(filter-out en,$(LANGS))
HTMLS := $(foreach lang,$(EDITION_LANGS),$(OUT)/$(lang).html)
PDFS := $(HTMLS:.html=.pdf)
EDITION_FILES := $(HTMLS) $(PDFS) $(OUT)/index.html
# What each step reads (tests/test_make.py checks these against the modules a
# run really imports): the catalogs are not made from the editions, review,
# checks or MT code; an edition is not made from review, checks or MT code,
# nor from other languages' interface catalogs.
CODE := $(shell find pipeline -name '*.py' -not -path '*/__pycache__/*')
# Review, MT, pseudo-translation and transliteration.
NOT_EDITION_CODE := $(wildcard pipeline/review/*.py) $(shell find pipeline/mt -name '*.py') pipeline/editions/pseudo.py pipeline/lang/translit.py
NOT_CATALOG_CODE := $(NOT_EDITION_CODE) $(wildcard pipeline/editions/*.py) $(shell find pipeline/typesetting -name '*.py') pipeline/lang/typography.py
CATALOG_CODE := $(filter-out $(NOT_CATALOG_CODE),$(CODE))
EDITION_CODE := $(filter-out $(NOT_EDITION_CODE),$(CODE))
# An edition reads templates/ui/<lang>.po or its language's other catalogs (pipeline.lang.locales.ui_catalog_path:
# zh -> zh_Hans.po, zh_TW -> zh_Hant.po, pt_PT -> pt.po): depend on every catalog of the language.
EDITION_TEMPLATES := $(wildcard templates/edition.* templates/index.*) $(sort $(wildcard $(foreach lang,$(LANGS),templates/ui/$(lang).po templates/ui/$(firstword $(subst _, ,$(lang)))_*.po templates/ui/$(firstword $(subst _, ,$(lang))).po)))
# One stamp per language: its catalog has been through machine translation.
MT := output/.mt/$(LETTER)
MT_STAMPS := $(foreach lang,$(LANGS),$(MT)/$(lang).done)
MODELS_LOCK := translations/argos-models.lock.json
ARGOS_MODELS ?=
LOCK ?=
MAX_PAGES ?=
# A step whose output is missing runs again even if its stamp is current.
missing = $(if $(filter-out $(wildcard $(1)),$(1)),FORCE)

# Files people edit: make never deletes them, whatever happens to a recipe.
.PRECIOUS: $(POT) $(POS) $(SIGNOFF_FILE) $(CATALOGS)/%.po

# Debian packages the stages and tests need (installed only when missing).
# libicu-dev, pkg-config and g++ build PyICU (CLDR quotation marks, transliteration);
# the CJK and emoji fonts cover signatory names and text in every script;
# Java runs the Nu HTML checker (vnu-jar from npm) that the tests judge HTML with.
DEB_PACKAGES := gettext fontconfig fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 qpdf poppler-utils chromium libicu-dev pkg-config g++ default-jre-headless

.DEFAULT_GOAL := all
.PHONY: all help install pot po models translate lt-server approve accept memory review export pseudo check stats editions html pdf publish test test-slow test-floors lint format bench clean distclean

all: po $(MT_STAMPS) editions ## Build everything the stages can build (catalogs, MT drafts, editions)

help: ## List the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 14
	@echo "  Variables: SOURCE=$(SOURCE)  LANGS=\"$(LANGS)\"  MAX_PAGES=$(or $(MAX_PAGES),200)"

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

# Test-only tools from npm (package-lock.json pins them): the Nu HTML checker.
NODE_INSTALLED := node_modules/.installed
$(NODE_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

pot: $(POT_STAMP) ## Write the gettext template of the letter (SOURCE)

# pipeline pot rewrites the template only when its content changes, so an
# edit that changes no entry (whitespace, say) stops here.
$(POT_STAMP): $(SOURCE) $(CATALOG_CODE) $(INSTALLED) $(call missing,$(POT))
	$(PY) -m pipeline pot "$(SOURCE)"
	@mkdir -p $(@D) && touch $@
$(POT): $(POT_STAMP) ;

po: $(PO_STAMPS) ## Create or update one .po per language in LANGS

# The stamp is the target, never the catalog: a failed or interrupted merge
# cannot make make delete a translator's file.
.SECONDEXPANSION:
# The translation memory and glossary also feed a merge (pipeline/memory/recall.py).
MEMORY_INPUTS := $(wildcard translations/glossary.csv translations/glossary.tbx translations/memory/*.tmx)
$(STAMPS)/%.po.stamp: $(POT) $(MEMORY_INPUTS) $$(call missing,$(CATALOGS)/$$*.po)
	$(PY) -m pipeline po "$(SOURCE)" --langs $*
	@mkdir -p $(@D) && touch $@
$(CATALOGS)/%.po: $(STAMPS)/%.po.stamp ;
$(EDITIONS_LANGS): ;

models: $(INSTALLED) ## Install en→LANGS Argos models (ARGOS_MODELS=dir: local files; LOCK=update)
	$(PY) -m pipeline models --langs "$(LANGS)" $(if $(ARGOS_MODELS),--from-dir "$(ARGOS_MODELS)") $(if $(filter update,$(LOCK)),--update-lock)

translate: po ## Machine-translate untranslated entries into fuzzy drafts; fails if a model is missing
	$(PY) -m pipeline translate "$(SOURCE)" --langs "$(LANGS)"
	@mkdir -p $(MT) && touch $(MT_STAMPS)

# Part of `make`: a missing model is only a notice (the editions stay drafts).
$(MT)/%.done: $(CATALOGS)/%.po $(wildcard $(MODELS_LOCK))
	$(PY) -m pipeline translate "$(SOURCE)" --langs $* --if-available
	@mkdir -p $(@D) && touch $@

LT_PORT ?= 5000
lt-server: $(INSTALLED) ## Local LibreTranslate 1.9.6 (own venv .lt-venv) serving models/ on LT_PORT; Ctrl-C stops it
	LT_PORT=$(LT_PORT) $(PY) -m pipeline.mt.argos.lt_server

approve: po ## Record a sign-off: make approve LANG=ru BY="Name" (refused with drafts or check errors)
	LC_ALL=C.UTF-8 LANG=C.UTF-8 $(PY) -m pipeline approve "$(SOURCE)" --lang "$(LANG)" --by "$(BY)"

accept: po ## Accept exact translation-memory drafts as reviewed: make accept LANG=fr BY="Name"
	LC_ALL=C.UTF-8 LANG=C.UTF-8 $(PY) -m pipeline accept "$(SOURCE)" --lang "$(LANG)" --by "$(BY)"

memory: $(INSTALLED) ## Export the translation memory (reviewed entries of every letter + translations/memory/*.tmx) as TMX 1.4: output/memory.tmx
	$(PY) -m pipeline memory --translations translations --output output/memory.tmx

review: po ## Review sheets (HTML, problems first) in output/<letter>/review/<lang>.html
	$(PY) -m pipeline review "$(SOURCE)" --langs "$(LANGS)"

export: po ## XLIFF 2 and TMX of the reviewed pairs per language in output/<letter>/export/
	$(PY) -m pipeline export "$(SOURCE)" --langs "$(LANGS)"

pseudo: $(INSTALLED) ## Pseudo-translated edition (en-XA: accented, +1/3 long; never final) to test layout and fonts
	$(PY) -m pipeline pseudo "$(SOURCE)" --langs "$(LANGS)"

check: po ## Quality checks of every .po (numbers, quotes, script, English left…); fails on errors
	$(PY) -m pipeline check "$(SOURCE)" --langs "$(LANGS)"

stats: po ## Per-language counts: total, reviewed, draft, untranslated (entries, words)
	@$(PY) -m pipeline stats "$(SOURCE)" --langs "$(LANGS)"

editions: $(EDITIONS_STAMP) ## HTML + PDF edition of en and every language, and index.html (MAX_PAGES=200)

html: editions ## The HTML editions (built together with the PDFs)

pdf: editions ## The PDF editions (built together with the HTML)

# One process looks at every edition and renders only those whose content
# changed (JOBS at a time, in workers forked after WeasyPrint is imported);
# the others are left untouched. A failing edition fails this step, naming
# it, and deletes only the stamp: every good edition stays on disk. An output
# that is missing, or newer than the stamp (written by hand or another
# command), makes the step look again.
$(EDITIONS_STAMP): $(SOURCE) $(POS) $(MT_STAMPS) $(SIGNOFF) $(EDITION_TEMPLATES) $(EDITION_CODE) $(wildcard pipeline/typesetting/data/*) $(INSTALLED) $(EDITIONS_LANGS) $(wildcard $(EDITION_FILES)) $(call missing,$(EDITION_FILES))
	@rm -f $@
	$(PY) -m pipeline editions "$(SOURCE)" --langs "$(LANGS)" --jobs $(JOBS) $(if $(MAX_PAGES),--max-pages $(MAX_PAGES))
	@mkdir -p $(@D) && touch $@

publish: editions ## Publish the site of the final editions (no check errors) in output/publish/, all at once; list what blocks the others
	$(PY) -m pipeline publish "$(SOURCE)" --langs "$(LANGS)" --publish $(PUBLISH)

# One pytest worker per core (pytest-xdist); a file's tests stay on one worker, so
# module fixtures (a built edition, a published site) are built once.
test: lint $(NODE_INSTALLED) ## Run the test suite (after ruff), without the long randomized runs
	$(PY) -m pytest -n $(JOBS) --dist loadfile -m "not slow"

test-slow: $(INSTALLED) $(NODE_INSTALLED) ## Run the long randomized runs (crash safety, merge properties)
	$(PY) -m pytest -m slow

# Slow tier: a fresh environment outside .venv with every runtime dependency at exactly the lower
# bound pyproject.toml declares (.ci/floors.py), running the editions, catalog, reader and MT tests.
# It downloads those versions from the package index; .venv is not touched.
test-floors: $(NODE_INSTALLED) ## Run the editions and catalog tests against the lowest dependency versions allowed
	$(PYTHON) .ci/floors.py

lint: $(INSTALLED) ## Check formatting and lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALLED) ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(INSTALLED) ## Benchmarks: merge vs msgmerge; MT vs Argos; editions vs bare WeasyPrint; readers; memory
	$(PY) bench/bench_catalog.py
	$(PY) bench/bench_translate.py
	$(PY) bench/bench_editions.py
	$(PY) bench/bench_large.py
	$(PY) bench/bench_segment.py
	$(PY) bench/bench_memory.py
	$(PY) bench/bench_libretranslate.py

clean: ## Remove generated editions (output/)
	rm -rf output

distclean: clean ## Also remove the virtual environments (.venv, .lt-venv)
	rm -rf $(VENV) .lt-venv

FORCE:
