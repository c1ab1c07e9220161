# qtakes: `make run` serves the site, `make test` runs the tests. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV_ENV := DJANGO_DEBUG=1
# Canonical links, feeds, sitemap and robots.txt name the address `make run` serves (PORT=8080 make run).
RUN_SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
RUN_ENV := $(DEV_ENV) SITE_URL=$(RUN_SITE_URL)
SAMPLE := ../shared/corpus/quicktakes-sample

.PHONY: run test lint format migrations-check bench bench-import bench-writer bench-serve bench-load bench-scale bench-admin-import setup serve clean collectstatic

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py import_articles fixtures/
	@echo
	@echo "Admin account: run '$(DEV_ENV) $(BIN)/python manage.py createsuperuser' (none is created for you)."
	@echo "This site has the six small files of fixtures/. To see it with real content, import the 3,231-file"
	@echo "sample (about 5 s), or any folder of .md files, into the same database, then 'make run' again:"
	@echo "    $(DEV_ENV) $(BIN)/python manage.py import_articles $(SAMPLE)"
	@echo "Serving on $(RUN_SITE_URL)/, with a background worker for admin imports"
	$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-like: debug off, gunicorn, whitenoise. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
serve: $(STAMP)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn -c qtakes/gunicorn.py qtakes.wsgi

# Without debug, as in production: hashed names and a manifest (the tests run with debug off too).
collectstatic: $(STAMP)
	DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-0123456789-abcdefghijklmnop DJANGO_ALLOWED_HOSTS=localhost $(BIN)/python manage.py collectstatic --noinput --verbosity 0

test: $(STAMP) collectstatic
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# SQLite by default; BENCH_DATABASE_URL=postgres://... runs them on that database, which they empty first.
BENCH_DB := $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

bench: bench-import bench-writer bench-serve bench-load bench-scale bench-admin-import

bench-import: $(STAMP)
	$(BIN)/python bench/import_bench.py $(BENCH_DB)

bench-writer: $(STAMP)
	$(BIN)/python bench/writer_bench.py $(BENCH_DB)

bench-serve: $(STAMP)
	$(BIN)/python bench/serve_bench.py --rounds 3 $(BENCH_DB)

bench-load: $(STAMP)
	$(BIN)/python bench/load_during_import.py $(BENCH_DB)

bench-scale: $(STAMP)
	$(BIN)/python bench/scale_bench.py $(BENCH_DB)

bench-admin-import: $(STAMP)
	$(BIN)/python bench/admin_import_bench.py $(BENCH_DB)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
