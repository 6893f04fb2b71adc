# luohu — `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LUOHU := $(BIN)/luohu
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: help demo test lint typecheck bench install vendor system-deps messages test-sqlite test-postgres pg-up policy-test clean

help: ## List the documented targets
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,spark]"
	touch $(STAMP)

ECHARTS := luohu/monitoring/static/vendor/echarts/echarts.min.js

# Apache ECharts for the dashboards, from the pinned package-lock.json and
# served from luohu's own static files (no CDN); the copy is not committed.
$(ECHARTS): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(ECHARTS))
	cp node_modules/echarts/dist/echarts.min.js $(ECHARTS)

vendor: $(ECHARTS) ## Install the browser libraries (ECharts) with npm ci into static files

install: $(STAMP) $(ECHARTS) ## Create .venv and install luohu with its pinned dependencies

system-deps: ## Install Chromium, its driver, CJK fonts, Pango, gettext and Java when missing (Debian)
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x /usr/bin/chromedriver || missing="$$missing chromium-driver"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p | grep -q libpangoft2-1.0.so.0 || missing="$$missing libpangoft2-1.0-0 libharfbuzz-subset0"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: $(STAMP) system-deps ## Compile the zh-Hans / English message catalogues
	cd luohu && ../$(LUOHU) compilemessages --verbosity 0

demo: install system-deps messages ## Set up and serve the platform with demo accounts on 127.0.0.1:8000
	$(LUOHU) migrate --noinput
	$(LUOHU) load_divisions
	$(LUOHU) population generate --out var/population --no-progress
	$(LUOHU) population load-registry --sample 300 --source var/population
	for year in 2015 2016 2017 2018 2019 2020; do $(LUOHU) indicators --year $$year --source var/population --save || exit 1; done
	LUOHU_DEMO=1 $(LUOHU) demo_accounts
	LUOHU_DEMO=1 $(LUOHU) demo_cases
	LUOHU_DEMO=1 $(LUOHU) runserver 127.0.0.1:8000

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check luohu tests bench
	$(BIN)/ruff format --check luohu tests bench

typecheck: $(STAMP) ## mypy with django-stubs
	$(BIN)/mypy luohu

pg-up: ## Start the machine's PostgreSQL when it is down
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

test-sqlite: install system-deps messages ## The suite on SQLite
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install system-deps messages pg-up ## The suite on PostgreSQL
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS) -m "not database_independent"

test: lint typecheck test-sqlite test-postgres ## Lint, types, then the whole suite on SQLite and on PostgreSQL

bench: install ## Run the benchmarks in bench/ (figures, not pass/fail)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,spark,bench]"
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

policy-test: $(STAMP) ## Policy engine tests with the 95 % coverage floor
	$(BIN)/pytest --cov=luohu/policy --cov-fail-under=95 luohu/policy

clean: ## Remove the venv and local state
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
