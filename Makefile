# One-command entry points. `make run` and `make test` each set up .venv from the lock file.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)
UV_VERSION := 0.13.8
# The demo key pseudonymises the synthetic sample's citizen IDs. It is NOT a secret: set
# VLPIPE_PII_KEY (or the Prefect Secret block "vlpipe-pii-key") for real data.
DEMO_PII_KEY := demo-key-for-synthetic-sample-only

.PHONY: setup browser postgres run test test-fast lint sample clean

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never \
		$(BIN)/uv sync --frozen --inexact --quiet --python $(BIN)/python
	@rm -f $(VENV)/.synced-* && touch $(STAMP)

setup: $(STAMP) browser postgres

# Debian's Chromium renders the KPI report to PDF and runs the browser test. Installed where
# missing (needs root or password-less sudo); without it the run writes no PDF and the
# browser test is skipped with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v "$$VLPIPE_CHROMIUM" >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  echo "Installing chromium (Debian package) for the KPI report PDF and the browser test"; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && \
	    $$SUDO apt-get install -y -q chromium >/dev/null 2>&1; } || \
	  echo "chromium not installed: the report has no PDF, the browser test is skipped"; }

# PostgreSQL (Debian package) for the scale-out tests: a throwaway cluster holds the Prefect
# server's database and the DuckLake catalog (tests/support/services.py). Installed where
# missing, like chromium; without it those tests fail naming `make setup`.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  test -x "$$(pg_config --bindir 2>/dev/null)/initdb" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  echo "Installing postgresql (Debian package) for the scale-out tests"; \
	  $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && \
	    $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1; } || \
	  echo "postgresql not installed: the scale-out tests cannot start a cluster"; }

run: setup  ## run the nightly flow once on the sample data in raw/
	VLPIPE_PII_KEY=$${VLPIPE_PII_KEY:-$(DEMO_PII_KEY)} $(BIN)/vlpipe run --raw-dir raw --warehouse-dir warehouse

# Two workers (pytest-xdist; each builds the session's end-to-end run it needs), a whole test
# module per worker (loadscope): a module's fixtures (a province, the scale-out services) are
# built once and the scale-out tests run in order. (loadgroup, used before, did not group:
# xdist 3.8 ignored the modules' xdist_group marks.) PYTEST_ARGS adds options, e.g.
# PYTEST_ARGS="-n 0 -k reading".
test: setup  ## run the whole test suite (what CI runs)
	$(BIN)/pytest -q -n 2 --dist loadscope $(PYTEST_ARGS)

# The edit–test loop: tests/unit/ without the tests marked slow (no nightly flow, no server).
test-fast: setup  ## the fast tier, under 90 s
	$(BIN)/pytest -q -n 2 -m "not slow" $(PYTEST_ARGS)

# Python style and lint (ruff), types (mypy on the runtime), SQL (sqlfluff on the dbt models;
# its dbt templater compiles the project against an empty throwaway DuckDB file).
lint: setup  ## ruff format --check, ruff check, mypy, sqlfluff
	$(BIN)/ruff format --check flows schemas synth tests bench
	$(BIN)/ruff check flows schemas synth tests bench
	$(BIN)/mypy
	cd sql && VLPIPE_DB=$$(mktemp -d)/lint.duckdb ../$(BIN)/sqlfluff lint models

sample: setup  ## regenerate the committed sample data in raw/ (seed 2022)
	rm -rf raw && $(BIN)/python -m synth --out raw --seed 2022 --scale 1

SCALES ?= 10,100,1000
BENCH_WORK ?= /tmp/vlpipe-bench
# the scale-out part (issue 15): areas × process workers at one scale, then the projection
SCALEOUT_AREAS ?= 1,2,4,8
SCALEOUT_WORKERS ?= 1,2
SCALEOUT_SCALE ?= 0.1
bench: setup  ## benchmark (BENCHMARKS.md): make bench [SCALES=10,100] [BENCH_WORK=/tmp/…]
	@UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never \
		$(BIN)/uv sync --frozen --inexact --quiet --group bench --python $(BIN)/python
	nice -n 10 $(BIN)/python -m bench.run --scales "$(SCALES)" --work $(BENCH_WORK) \
		--scaleout-areas "$(SCALEOUT_AREAS)" --scaleout-workers "$(SCALEOUT_WORKERS)" \
		--scaleout-scale $(SCALEOUT_SCALE)

clean:
	rm -rf warehouse/private warehouse/.versions warehouse/parquet warehouse/*.duckdb \
		warehouse/published.json warehouse/current warehouse/reports warehouse/docs \
		warehouse/feedback .prefect
