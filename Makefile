# Two commands on a fresh machine: `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint typecheck test-sqlite test-browsers test-postgres test-production test-another-day venv chromium wrk emulator bench screenshots clean

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Debian's chromium; Playwright's own browser download cannot work offline.
chromium:
	@test -x $(CHROMIUM) || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Debian's wrk, the load generator `make bench` drives the servers with.
wrk:
	@command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

# PORT=… picks the shop's port (5000 by default); its links and the local Stripe's webhooks follow.
run: venv
	PY=$(PY) $(if $(PORT),PORT=$(PORT)) scripts/dev.sh

emulator: venv
	$(PY) -m stripe_emulator --port 12111

# The suite on SQLite, then again on a throwaway PostgreSQL (or the one TEST_DATABASE_URL names),
# then the production topology's own tests through nginx. PYTEST_ARGS goes to every run. The
# local Stripe's own tests never touch the shop's database: the PostgreSQL run leaves them out.
PYTEST_ARGS ?=
# Test workers side by side (pytest-xdist), each with its own local Stripe, browser and database;
# a file's tests stay on one worker, sharing its module fixtures. WORKERS=0 runs in one process.
WORKERS ?= 2
XDIST   := $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadfile)

test: lint typecheck test-browsers test-postgres test-production

# The packages' plan (.importlinter): no import circles, no layer reached upwards.
lint: venv
	$(VENV)/bin/lint-imports --no-cache

# The shop's Stripe calls against the stripe library's typed parameters ([tool.mypy] in
# pyproject.toml): a parameter the pinned library's API version no longer takes fails here.
typecheck: venv
	$(VENV)/bin/mypy

# The whole suite on SQLite, the database of `make run`: for working on the shop (it takes a file,
# folder or test in PYTEST_ARGS). `make test` runs each test once instead, below.
test-sqlite: venv chromium
	env -u TEST_DATABASE_URL $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# `make test`'s browser tests, on SQLite, `make run`'s database: the shop's pages (tests/e2e) and
# the local Stripe's own (tests/emulator, which never touch the shop's database).
test-browsers: venv chromium
	env -u TEST_DATABASE_URL $(PY) -m pytest $(XDIST) tests/e2e tests/emulator $(PYTEST_ARGS)

# Every other test, on PostgreSQL, production's database: the HTTP-level tests carry the database
# work the pages stand on; the production topology's browser tests run on PostgreSQL below. Each
# test runs once in `make test`, which keeps it inside its 15 minutes on a slow day (it took
# 14 min 51 s when the HTTP-level tests ran on both databases).
test-postgres: venv chromium
	scripts/with-postgres.sh $(PY) -m pytest $(XDIST) --ignore=tests/emulator --ignore=tests/e2e $(PYTEST_ARGS)

# Every test but the browser's (Chromium keeps the real clock), with the wall clock started at
# START and ticking (tests/start_clock.py): no outcome may depend on the day or hour. The default
# is a Sunday a minute and a half before midnight, so the run crosses into Monday; try others,
# e.g. `make test-another-day START=2026-12-11T23:58:30+00:00` (a Friday).
START ?= 2026-12-06T23:58:30+00:00
test-another-day: venv chromium
	env -u TEST_DATABASE_URL $(PY) -m pytest -p tests.start_clock --start-at=$(START) $(XDIST) \
		--ignore=tests/e2e --ignore=tests/emulator --ignore=tests/topology $(PYTEST_ARGS)

# nginx in front of two gunicorn instances, PostgreSQL, Redis, the local Stripe and an SMTP server,
# all on loopback (scripts/with-production.sh installs nginx and redis-server when missing).
test-production: venv chromium
	scripts/with-production.sh $(PY) -m pytest tests/topology $(PYTEST_ARGS)

# The API and browser tests that make sense there, against Stripe's test mode: needs
# STRIPE_SECRET_KEY / STRIPE_PUBLISHABLE_KEY (test mode) and the Stripe CLI for webhooks.
# Without keys it says so and succeeds. Not part of `make test`.
.PHONY: test-stripe
test-stripe: venv chromium
	PY=$(PY) scripts/test-stripe.sh

# Performance figures against their budgets (docs/performance.md), then Stripe's fee per demo product by card
# and by bank (bench/payment_fees.py); not part of `make test`. A few minutes.
bench: venv chromium wrk
	$(PY) -m bench
	$(PY) bench/payment_fees.py

# README's and docs' pictures: test_screenshots.py, and the phone pages from the width sweeps.
screenshots: venv chromium
	SCREENSHOTS=1 $(PY) -m pytest -q -p no:xdist tests/e2e/test_screenshots.py \
		tests/e2e/test_shop_pages.py::test_every_page_fits_passes_axe_and_logs_nothing \
		tests/e2e/test_admin_widths.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Reliability figures (bench/reliability.py): a table, and a failure only if an invariant breaks.
# Options through RELIABILITY_ARGS, e.g. make reliability RELIABILITY_ARGS="--fault-rate 50".
.PHONY: reliability
reliability: venv
	$(PY) bench/reliability.py $(RELIABILITY_ARGS)
