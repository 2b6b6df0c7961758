# Every target sets up what it needs first (Python deps, a Docker engine, the Pulumi engine).
SHELL := /bin/bash
ENV := source .tools/env.sh

.PHONY: setup up down test test-unit bench lint

setup:
	@bash scripts/setup.sh

## Deploy the example app (examples/microservices) on the sim platform and print its URLs.
up: setup
	@$(ENV) && python scripts/offline_images.py --examples && python scripts/stack.py up sim

## Destroy it.
down: setup
	@$(ENV) && python scripts/stack.py destroy sim

## The whole suite: unit tests (mocks), renderers with their validators, sim tests on real Docker.
test:
	@bash scripts/setup.sh --with-test-tools
	@$(ENV) && python scripts/offline_images.py && pytest -q

## Only what needs neither Docker nor the Pulumi engine.
test-unit:
	@$(ENV) && pytest -q -m "not sim"

bench:
	@bash scripts/setup.sh --with-test-tools
	@$(ENV) && python scripts/offline_images.py && COMPOSE="$$(bash scripts/install-compose.sh)" python benchmarks/sim_up.py

lint:
	@$(ENV) && ruff check . && ruff format --check .
