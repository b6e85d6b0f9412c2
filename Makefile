# The front door. `make report` and `make test` are the two commands README promises.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo
DATA_DIR := data
QUARTO_KIT ?= ../shared/quarto/setup.sh

LOCK := requirements.lock

.PHONY: report test test-fast lint format bench bench-archive lock clean quarto

# Installs the exact versions (and hashes) in requirements.lock, then the project itself.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11)" 2>/dev/null || { echo "error: Python 3.11 not found ($(PYTHON)); install it or run make PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name takedown --display-name "takedown (venv)" >/dev/null
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/takedown demo $(DEMO_DIR)
	$(BIN)/takedown ingest $(DEMO_DIR) --dataset demo --data-dir $(DATA_DIR)
	$(BIN)/takedown render demo --data-dir $(DATA_DIR) --profile profiles/china_052020.yml --out reports

test: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/python -m pytest

test-fast: $(STAMP)  # the unit tests without the `slow` ones: under 30 s
	$(BIN)/python -m pytest -q -m "not slow" tests/unit

# Re-resolve requirements.lock from pyproject.toml (needs the network): run after editing deps.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/python -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --quiet -o $(LOCK)

# Real Quarto 1.10.18 from the team kit into the ignored .quarto-engine/ (what .ci/run does);
# then: export PATH="$$PWD/.quarto-engine/bin:$$PATH"
quarto: $(STAMP)
	bash $(QUARTO_KIT) $(CURDIR)/.quarto-engine $(CURDIR)/$(BIN)/python

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

format: $(STAMP)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

# Issue 11's scale benchmark up to 10M tweets (add --full for 45M: ~45 GiB of disk, ~30 min).
bench: $(STAMP)
	$(BIN)/python scripts/bench_scale.py --sizes S,M,L

# Issue 18's archive benchmark: one synthetic operation per row of releases.csv at scale 0.1.
bench-archive: $(STAMP)
	$(BIN)/python scripts/bench_archive.py --scale 0.1

clean:
	rm -rf $(DEMO_DIR) $(DATA_DIR) reports .takedown-cache
