# docgen — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= output
# Debian packages the tests and the PDF engine rely on: command -> package.
SYSTEM_TOOLS := pdftotext:poppler-utils pdffonts:poppler-utils

.PHONY: demo test setup system lint templates clean

demo: setup
	$(BIN)/docgen packet examples/project.json -o $(OUT)

test: setup
	$(BIN)/python -m pytest -q

setup: system $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Install missing Debian packages once; skipped when every tool is already on PATH.
system:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (apt-get as root)" >&2; exit 2; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check docgen tests benchmarks templates
	$(BIN)/mypy docgen

# Rebuild the shipped .docx templates from their readable source.
templates: setup
	$(BIN)/python templates/build.py

clean:
	rm -rf $(VENV) $(OUT)/* .pytest_cache
