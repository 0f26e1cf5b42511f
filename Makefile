# docgen — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= output
# Debian packages docgen needs: poppler-utils (tests read PDFs back) and the fonts the PDF engine
# maps 宋体/仿宋/楷体/黑体/Times New Roman to when the real fonts are absent (see docgen/pdf/fonts.toml).
SYSTEM_PACKAGES := poppler-utils fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-liberation fonts-dejavu-core
# LibreOffice Writer: the optional PDF engine, and the oracle of the `libreoffice` tests (templates saved by it).
SYSTEM_PACKAGES += libreoffice-writer
# LibreOffice Calc: recalculates the fill-in workbook's total formulas in tests/workbook (the `libreoffice` tests).
SYSTEM_PACKAGES += libreoffice-calc
# Chromium: the browser the web app's tests drive (tests/web, Playwright).
SYSTEM_PACKAGES += chromium
# The free faces of the 公文 roles (docgen/pdf/fonts.toml): Noto Serif/Sans CJK SC (宋体, 小标宋, 黑体), AR PL KaitiM GB
# (楷体) and FandolFang (仿宋, the only complete free one; Debian ships it in texlive-lang-chinese: 106 MB to
# download, 43 s to install here).
SYSTEM_PACKAGES += fonts-noto-cjk fonts-arphic-gkai00mp texlive-lang-chinese
# sRGB ICC profile for the output intent of PDF/A (--pdfa).
SYSTEM_PACKAGES += icc-profiles-free
# PostgreSQL server binaries: tests/web/test_store.py runs the store on a throw-away cluster (docgen serve --db URL).
SYSTEM_PACKAGES += postgresql
# qpdf: the hostile-input suite checks every PDF it makes with `qpdf --check`.
SYSTEM_PACKAGES += qpdf

.PHONY: demo test fuzz setup system lint clean

# The filing packet (docx, PDF, packet.pdf, manifest), the agency documents, the annual plan and a
# batch of notices (one per row of examples/notices.xlsx, plus merged.docx and merged.pdf).
demo: setup
	$(BIN)/docgen packet examples/project.json -o $(OUT)
	@for example in agreement-two-party agreement-three-party; do \
	  $(BIN)/docgen render agreement examples/$$example.json -o $(OUT)/$$example || exit $$?; done
	@for example in acceptance-pass acceptance-fail; do \
	  $(BIN)/docgen render acceptance examples/$$example.json -o $(OUT)/$$example || exit $$?; done
	$(BIN)/docgen render notice examples/annual-plan.json -o $(OUT)/annual-plan --qr
	$(BIN)/docgen batch notice examples/notices.xlsx --base examples/notice.json -o $(OUT)/notices \
	  --to docx,pdf --merge --name "{row:03d}-{recipient.name}"
	@echo "网页版：$(BIN)/docgen serve --open  （http://127.0.0.1:8000/ ，数据在 ~/.local/share/docgen，见 README「网页版」）"

test: setup
	$(BIN)/python -m pytest -q

# The hostile-input suite with many more inputs than `make test` draws (FUZZ_EXAMPLES per kind, default 400).
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/fuzz

setup: system $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,web]'
	touch $@

# Install missing Debian packages once; a no-op when all are installed (or off Debian, with a hint).
system:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "not a Debian system: install poppler and CJK TrueType fonts yourself (or set DOCGEN_FONT_DIR)" >&2; exit 0; \
	fi; \
	missing=$$(for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || echo $$pkg; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "please install as root: apt-get install" $$missing >&2; exit 2; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check docgen tests benchmarks
	$(BIN)/mypy docgen

clean:
	rm -rf $(VENV) $(OUT)/* .pytest_cache
