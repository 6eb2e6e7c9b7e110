.PHONY: run test lint format install bench clean

install:
	bash scripts/bootstrap.sh

run: install
	bash scripts/run.sh

test: install
	bash scripts/test.sh

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: install
	.venv/bin/python tests/perf/bench.py

clean:
	rm -rf var .venv
