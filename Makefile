# micrograd parity lab. `make help` lists every target.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LAB    := $(VENV)/bin/mglab
STAMP  := $(VENV)/.installed
ARGS   ?=
# The folder make was called from (make -C lab check PORT=... keeps it in PWD):
# a port's manifest resolves from there, and its report lands there.
CALLER := $(or $(PWD),$(CURDIR))

.DEFAULT_GOAL := help
.PHONY: help setup test parity check lua-test fuzz plots notes same-bytes bench bench-class mutants stability clean

help: ## list every target with what it does
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The stamp is rebuilt only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set
# every process a run starts (Lua workers, drivers, pool workers) compiles
# the harness again.  parity and test compile it first, as pip compiles a
# wheel (only what changed since: a few hundredths of a second).
COMPILE := $(PY) -m compileall -q harness python_ref lua_port

setup: $(STAMP) ## create .venv and install the project (idempotent)

parity: $(STAMP) ## the parity matrix: every fixture on every backend (ARGS="--help" for filters)
	@$(COMPILE)
	$(LAB) parity $(ARGS)

check: $(STAMP) ## check your own port: make check PORT=path/to/port.toml (ARGS="--help")
	@test -n "$(PORT)" || { echo "make check: name the manifest: make check PORT=path/to/port.toml"; exit 2; }
	@cd "$(CALLER)" && "$(abspath $(LAB))" check $(PORT) $(ARGS) || { code=$$?; \
	    echo "make check: mglab check exited $$code (1: the port has findings, 2: bad input)"; \
	    exit $$code; }

test: $(STAMP) ## the whole pytest suite (what CI runs), on every core
	@$(COMPILE)
	$(PY) -m pytest -q -n auto --dist loadgroup

lua-test: $(STAMP) ## only the Lua port's tests: pytest tests/lua, then busted's own output per interpreter
	$(PY) -m pytest -q tests/lua
	@command -v busted >/dev/null || { echo "busted is not installed (.ci/run installs lua-busted)"; exit 1; }
	@cd lua_port && for lua in lua5.1 lua5.4 luajit; do \
	    if command -v $$lua >/dev/null; then echo "busted --lua=$$lua"; busted --lua=$$lua || exit 1; \
	    else echo "$$lua is not installed: skipped"; fi; \
	done

fuzz: $(STAMP) ## long differential fuzzing campaign (FUZZ_EXAMPLES=n, default 10000)
	$(LAB) fuzz $(ARGS)

plots: $(STAMP) ## draw every figure into plots/
	$(LAB) plots $(ARGS)

notes: $(STAMP) ## the lecture walkthrough, computed live; writes its Markdown version
	$(LAB) notes $(ARGS)

same-bytes: $(STAMP) ## plots and notes under each CPU kernel torch can pick: exit 1 if a file differs from plots/
	$(PY) -m micrograd_lab.harness.companion.same_bytes

bench: $(STAMP) ## benchmarks against micrograd 0.1.0 (installs it into .venv)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(LAB) bench $(ARGS)

bench-class: $(STAMP) ## class mode and run control: 30 healthy ports, a looping port, Ctrl-C latency
	$(PY) -m micrograd_lab.harness.bench.class_bench $(ARGS)

mutants: $(STAMP) ## plant classic port bugs in copies of both engines, score what the checks catch
	$(LAB) mutants $(ARGS)

# tests/ports/set-order gives fd-cancelling-paths-1e16 right in about half of
# its runs; before fixtures with fan-in ran again, its exit code was 0 or 1 by luck.
STABILITY_RUNS ?= 20
stability: $(STAMP) ## check a port whose answers depend on set order STABILITY_RUNS (20) times: exit 1 every time
	@codes=""; for i in $$(seq $(STABILITY_RUNS)); do \
	    $(LAB) check tests/ports/set-order/port.toml --probes numbers,determinism \
	        --fixtures fd-cancelling-paths-1e16,lecture-reuse-ab,micrograd-sanity-check \
	        --report-dir report/stability >/dev/null 2>&1; \
	    codes="$$codes $$?"; \
	done; echo "exit codes:$$codes"; \
	test "$$(echo $$codes | tr ' ' '\n' | sort -u)" = 1 || { echo "not the same exit code (1) every time"; exit 1; }

clean: ## remove the venv, caches and generated reports
	rm -rf $(VENV) .pytest_cache .hypothesis report *.egg-info
	find harness python_ref lua_port tests -name __pycache__ -prune -exec rm -rf {} +
