# Every target sets up what it needs first, on a fresh machine, offline (scripts/setup.sh is quiet
# and quick when everything is there already). Tool builds are cached outside the clone.
SHELL := /bin/bash
ENV := source .tools/env.sh

.PHONY: setup up down logs test test-unit test-kubernetes bench lint

## Python deps, a Docker engine, the Pulumi engine, what the offline image stand-ins need.
setup:
	@bash scripts/setup.sh

## Deploy the example app (examples/microservices) on the sim platform and print its URLs.
up: setup
	@$(ENV) && python scripts/offline_images.py --examples && containers up --stack sim

## Destroy it.
down: setup
	@$(ENV) && containers destroy --stack sim

## The last log lines of one workload's containers on the sim stack, each prefixed with instance
## and container: `make logs W=api` (without W: every container of the stack); `F=1` follows them
## (new lines as they come, also of containers started later) until Ctrl-C.
logs: setup
	@$(ENV) && containers logs --stack sim $(if $(W),--workload $(W)) $(if $(F),--follow)

## The whole suite, after lint: unit tests (mocks), renderers with their validators, sim tests on
## real Docker and the real engine, kubernetes tests on a real local control plane.
test: lint
	@bash scripts/setup.sh python docker pulumi images test-tools yaml go kubernetes
	@$(ENV) && python scripts/offline_images.py && pytest -q

## Only what needs neither Docker nor the Pulumi engine.
test-unit:
	@bash scripts/setup.sh python test-tools
	@$(ENV) && pytest -q -m "not sim and not k8s"

## Only the kubernetes platform against a real local control plane (marker k8s).
test-kubernetes:
	@bash scripts/setup.sh python pulumi kubernetes
	@$(ENV) && pytest -q -m k8s

## Speed of the sim platform against docker compose (see benchmarks/).
bench:
	@bash scripts/setup.sh python docker pulumi images
	@$(ENV) && python scripts/offline_images.py && export COMPOSE="$$(bash scripts/install-compose.sh)" && \
		python benchmarks/sim_up.py && python benchmarks/sim_many.py && python benchmarks/sim_alb.py

## ruff (lint and format) and mypy (types).
lint:
	@bash scripts/setup.sh python
	@$(ENV) && ruff check . && ruff format --check . && mypy
