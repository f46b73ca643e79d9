# The two commands of the README. Both set up everything a fresh machine lacks.
SAMPLE ?= include/linguaflow/samples/arctic_a0007.wav
TO ?= zh,ja,de

.PHONY: demo test docs setup services services-down bench

demo:  ## run the media DAG in-process on the bundled sample (embedded default: SQLite, file://, embedded DB)
	scripts/setup.sh
	.venv/bin/linguaflow run $(SAMPLE) --to $(TO) --format text --out .linguaflow/demo-result.json

test:  ## install, start the services (PostgreSQL, Redis, S3, MongoDB-compatible) and run the tests
	scripts/setup.sh --dev
	scripts/services.sh up
	scripts/browser.sh
	scripts/speech-tools.sh
	.venv/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

docs:  ## the docs site into .linguaflow/site (reference pages regenerated from the code, strict: a broken link fails)
	scripts/setup.sh --dev
	.venv/bin/python scripts/docs_reference.py
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict

setup:
	scripts/setup.sh --dev

services:
	scripts/services.sh up

services-down:
	scripts/services.sh down

bench:  ## benchmarks (need the test services)
	scripts/services.sh up
	.venv/bin/python bench/results_bench.py
