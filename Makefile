# Jixiao: `make run` to install, migrate, load the demo district and serve; `make test` to check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run migrate demo worker test test-pg lint check bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jixiao needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(BIN)/jixiao demo --if-empty

run: demo
	$(BIN)/jixiao serve --port $(PORT)

worker: install
	$(BIN)/jixiao worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy jixiao

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# The suite on SQLite, then again on PostgreSQL when DATABASE_URL names one.
test: lint check
	env -u DATABASE_URL $(BIN)/pytest
	@if [ -n "$$DATABASE_URL" ]; then echo "== the same suite on PostgreSQL"; $(BIN)/pytest; fi

# A throwaway database on the local PostgreSQL server, dropped afterwards.
test-pg: install
	@db=jixiao_test_$$$$; \
	createdb -h 127.0.0.1 -U postgres $$db && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$$db $(BIN)/pytest; rc=$$?; \
	dropdb -h 127.0.0.1 -U postgres --if-exists $$db; exit $$rc

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/static var/jixiao.sqlite3*
