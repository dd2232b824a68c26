#!/usr/bin/env bash
# `make browser-test`: the built HTML book in headless Chromium (Debian's package).
# Usage: tests/browser/run.sh [BOOK_HTML]   (default: _build/html, as `make book-check` builds it)
# Needs npm the first time (it installs the pinned axe-core into _build/browser-test; AXE_DIR
# to put it elsewhere).
#
# Chromium is Debian's `chromium` package; nothing downloads a browser. When it is missing:
# in CI (CI set) as root, it is installed with apt-get; anywhere else the test is skipped
# with a message that says how to enable it.
set -euo pipefail
book="${1:-_build/html}"
python="${PYTHON:-.venv/bin/python}"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
    if [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "browser test: installing Debian's chromium (CI, as root) ..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
        chromium="$(command -v chromium)"
    else
        echo "browser test skipped: no Chromium on this machine (no chromium or chromium-browser on PATH)."
        echo "  To run it: install Debian's chromium ('sudo apt-get install chromium'), then 'make browser-test'."
        echo "  (In CI, with CI set and as root, make test installs it itself.)"
        exit 0
    fi
fi
if [ ! -f "$book/index.html" ]; then
    echo "browser test: no built book at $book (no index.html): run 'make book-check' first" >&2
    exit 1
fi
# The accessibility audit's axe-core: the npm package pinned in tests/browser/package.json and
# package-lock.json, installed with `npm ci` (from the npm registry, once) into $AXE_DIR.
axe_dir="${AXE_DIR:-_build/browser-test}"
axe_js="$axe_dir/node_modules/axe-core/axe.min.js"
want="$(sed -n 's/.*"axe-core": "\([0-9.]*\)".*/\1/p' tests/browser/package.json)"
have="$(sed -n 's/.*"version": "\([0-9.]*\)".*/\1/p' "$axe_dir/node_modules/axe-core/package.json" 2>/dev/null | head -1 || true)"
if [ ! -f "$axe_js" ] || [ "$have" != "$want" ]; then
    if ! command -v npm >/dev/null; then
        if [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "browser test: installing Debian's npm (CI, as root) ..."
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
        else
            echo "browser test: npm is needed once, to install axe-core $want (Debian: 'apt-get install npm')" >&2
            exit 1
        fi
    fi
    echo "browser test: installing axe-core $want into $axe_dir (npm ci) ..."
    mkdir -p "$axe_dir"
    cp tests/browser/package.json tests/browser/package-lock.json "$axe_dir/"
    (cd "$axe_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
echo "browser test: $book in $("$chromium" --version 2>/dev/null | head -1), axe-core $want"
# Pages are tested by BROWSER_WORKERS pytest-xdist workers (default 1: two workers saved
# almost nothing on 2 cores, 207-221 s against 212 s, and one fresh-clone run with two lost an
# interactive figure's page once; set BROWSER_WORKERS=2 to try).
# The counts it measures (wrapped outputs, formulas wider than a phone's column, figures that take
# a swipe, render-blocking script, first paint on Fast 3G) are printed at the end, per page, and
# written to $axe_dir/metrics.json.
exec "$python" -m pytest tests/browser --book "$book" --chromium "$chromium" --axe "$axe_js" \
    --metrics "$axe_dir/metrics.json" \
    -n "${BROWSER_WORKERS:-1}" --dist worksteal -p no:cacheprovider -o addopts="" -q -ra --durations=5
