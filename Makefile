# CPEG Manager. Two commands set everything up on a fresh machine:
#   make run   - virtualenv, packages, front-end assets, SQLite database,
#                demo data, then serves on http://127.0.0.1:$(PORT) with the
#                background task worker beside it
#   make test  - the same set-up, then every test (browser tests included)
# DATABASE_URL switches the database (e.g. to PostgreSQL) for both.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# pyenv reads .python-version (3.12.1); PYENV_VERSION makes sure of it.
PYTHON ?= $(shell PYENV_VERSION=3.12.1 pyenv which python3 2>/dev/null || command -v python3.12 || echo python3)
ASSETS := static/govuk/app.css static/govuk/govuk-frontend.min.js
PYTEST_ARGS ?=

.PHONY: run test setup assets migrate demo lint format bench scan clean scale-data loadtest

run: setup
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py createcachetable
	DJANGO_DEBUG=true $(PY) manage.py load_demo_data
	@# The task worker (it sends emails such as password resets) runs beside
	@# the web server, and stops when the server does.
	DJANGO_DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} sh -c '\
		$(PY) manage.py db_worker & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	@# Two worker processes, one per lane (conftest.py: the tests that share
	@# the demo in one, the browser and transactional tests in the other).
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

setup: $(VENV)/.installed $(ASSETS)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is needed: pyenv install 3.12.1"'
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v 'is ignored' || true
	$(PY) -c 'import django, playwright, weasyprint' 
	touch $@

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS) &: ui/node_modules/.package-lock.json ui/scss/app.scss ui/scss/_app-images.scss
	mkdir -p static/govuk
	cd ui && npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps scss/app.scss ../static/govuk/app.css
	@# Not a GOV.UK service: Arial, no crown (ui/scss/app.scss), so none of GOV.UK
	@# Frontend's assets (GDS Transport fonts, crown icons, manifest) are copied.
	rm -rf static/govuk/assets
	cp ui/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js ui/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map static/govuk/
	@# Every file the CSS links to must exist, or collectstatic's manifest storage fails.
	@for f in $$(grep -o 'url("[^"]*")' static/govuk/app.css | sed 's/^url("//; s/")$$//' | grep -v '^data:' | sort -u); do \
		test -f "static/govuk/$$f" || { echo "static/govuk/app.css links to $$f, which is not in static/govuk/"; exit 1; }; \
	done
	touch $(ASSETS)

assets: $(ASSETS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/run.py

# The load test (bench/README.md), not part of make test: the scale data set
# (2,000 groups x 5 years) in its own PostgreSQL database, then two gunicorn
# servers on 8101 and 8102 and the task worker, 100 users for 60 s.
SCALE_DB ?= postgres://postgres@127.0.0.1:5432/scale
SCALE_ENV := DATABASE_URL=$(SCALE_DB) DJANGO_SETTINGS_MODULE=config.settings.base DJANGO_ALLOW_DEV_SECRET_KEY=true

scale-data: setup
	$(SCALE_ENV) $(PY) manage.py migrate --noinput
	$(SCALE_ENV) $(PY) manage.py createcachetable
	$(SCALE_ENV) $(PY) manage.py make_scale_data --groups $${GROUPS:-2000} --years $${YEARS:-5}

loadtest: setup
	$(SCALE_ENV) $(PY) manage.py createcachetable
	$(SCALE_ENV) $(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL=$(SCALE_DB) $(PY) bench/loadtest.py --memory

# Security scans (docs/security.md): pip-audit on the pinned requirements,
# then sqlmap on the demo's signed-in pages, served on 127.0.0.1 only.
scan: setup
	$(PY) tools/audit_requirements.py requirements.txt
	@command -v sqlmap >/dev/null || { echo "sqlmap is not installed: apt-get install -y sqlmap"; exit 1; }
	$(PY) tools/sqlmap_scan.py

clean:
	rm -rf $(VENV) ui/node_modules static/govuk staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
