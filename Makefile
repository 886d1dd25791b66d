# klantbelang — `make run` to try it, `make test` to check it. Needs only python3 >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: install run test lint format migrate demo worker messages bench bench-planning bench-matching bench-clients bench-advice bench-prospects bench-dashboard bench-review bench-load audit clean

install: $(STAMP)

# Re-installs only when the lock file changes; a venv made by another Python is replaced.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "python3 >= 3.11 is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements.lock
	@touch $(STAMP)

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# Serves on http://127.0.0.1:8000 with a background-task worker next to it; Ctrl-C stops both.
run: demo
	@echo "Starting the task worker and the web server on http://127.0.0.1:8000 (Ctrl-C stops both)"
	@$(MANAGE) db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

worker: install
	$(MANAGE) db_worker --interval 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache
	$(BIN)/mypy --no-incremental
	$(BIN)/ruff format --check --diff . >/dev/null || (echo "ruff format would change files: run make format" && false)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Honours DATABASE_URL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/klantbelang make test`.
test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache
	$(BIN)/mypy --no-incremental
	$(MANAGE) makemigrations --check --dry-run >/dev/null || (echo "models changed without a migration: run manage.py makemigrations" && false)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# Known vulnerabilities in the pinned dependencies (pip-audit with PyPI's advisory data). Accepted
# advisories are listed, with a reason, in .pip-audit-ignore. Where PyPI's JSON API cannot be reached
# the audit says it did not run; CI_REQUIRE_AUDIT=1 makes that a failure.
AUDIT_IGNORE = $(shell grep -o '^[A-Za-z0-9-]*' .pip-audit-ignore 2>/dev/null | sed 's/^/--ignore-vuln /')
audit: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.lock -c requirements.lock
	@if $(BIN)/python -c 'import urllib.request; urllib.request.urlopen("https://pypi.org/pypi/pip/24.0/json", timeout=10)' 2>/dev/null; then \
		$(BIN)/pip-audit -r requirements.lock --disable-pip --no-deps --strict --progress-spinner off $(AUDIT_IGNORE); \
	else \
		echo "Dependency audit NOT run: PyPI's advisory data per version (https://pypi.org/pypi/<name>/<version>/json) cannot be reached from this machine."; \
		test -z "$$CI_REQUIRE_AUDIT"; \
	fi

messages: install
	$(MANAGE) makemessages -l nl -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'klantbelang/static/*' --ignore 'benchmarks/*'
	$(MANAGE) compilemessages --ignore '.venv/*' 

bench: install
	$(BIN)/python benchmarks/foundation.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/clients.py
	$(BIN)/python benchmarks/advice.py
	$(BIN)/python benchmarks/prospects.py
	$(BIN)/python benchmarks/planning.py

# Load test: gunicorn with DJANGO_DEBUG=false on PostgreSQL (database klantbelang_load, created and
# filled with 100,000 households on the first run), locust at 25, 50 and 100 users; see docs/benchmarks.md.
bench-load: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/load/requirements.lock -c requirements.lock
	$(BIN)/python benchmarks/load/run.py

# Needs analysis throughput and the client list at 100,000 clients (set DATABASE_URL for PostgreSQL).
bench-clients: install
	$(BIN)/python benchmarks/clients.py

# Advice report generation (PDF and HTML) for a released advice with six needs.
bench-advice: install
	$(BIN)/python benchmarks/advice.py

# The planning core: one household, the per-household loop over the book, the Financiële analyse page.
bench-planning: install
	$(BIN)/python benchmarks/planning.py

# Batch vs per-pair matching; the last line printed is a JSON object with the figures.
bench-matching: install
	$(BIN)/python benchmarks/matching.py

# Prospect score: backtest on the CoIL 2000 Caravan data against two baselines, then training on
# 100,000 and scoring 1,000,000 synthetic prospects.
bench-prospects: install
	$(BIN)/python benchmarks/prospects.py

# Quality dashboard at 200,000 clients, 1,000,000 recommendations and 300,000 reviews; point
# DATABASE_URL at an empty PostgreSQL database.
bench-dashboard: install
	$(BIN)/python benchmarks/dashboard.py

# Book-wide target-market review over 100,000 clients and their holdings.
bench-review: install
	$(BIN)/python benchmarks/book_review.py

clean:
	rm -rf $(VENV) var
