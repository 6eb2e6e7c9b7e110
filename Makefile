.PHONY: run test install bench clean

install:
	bash scripts/bootstrap.sh

run: install
	bash scripts/run.sh

test: install
	bash scripts/test.sh

bench: install
	.venv/bin/python tests/perf/backbone.py

clean:
	rm -rf var .venv
