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
	command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	.venv/bin/python tests/perf/bench.py $(ARGS)

clean:
	rm -rf var .venv
