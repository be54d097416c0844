# The two commands of the README: `make dev` (portal with demo data) and `make test` (all tests).
SHELL := /bin/bash
VENV ?= $(CURDIR)/.venv

.PHONY: dev test install services stop status bench bench-reads

## Install what is missing, start the services, migrate, load demo data, serve CKAN and a worker.
dev: install services
	scripts/dev.sh

## Install what is missing, start the services, run every test with CKAN's pytest plugin.
test: install services
	scripts/test.sh $(PYTEST_ARGS)

install:
	scripts/install.sh

services:
	scripts/services.sh start

## Stop everything `make dev` and `make test` started.
stop:
	scripts/services.sh stop

status:
	scripts/services.sh status

## Benchmarks of the checks engine against frictionless-py (see benchmarks/README.md).
bench: install
	$(VENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

## The extension's cost on public reads: two portals, with and without the plugin, over one
## catalogue of 10,000 datasets (built once into ckan_bench; see benchmarks/README.md).
bench-reads: install services
	$(VENV)/bin/python -m benchmarks.public_reads $(BENCH_ARGS)
