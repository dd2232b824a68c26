#!/usr/bin/env bash
# `make browser-test`: the built HTML book in headless Chromium (Debian's package).
# Usage: tests/browser/run.sh [BOOK_HTML]   (default: _build/html, as `make book-check` builds it)
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
echo "browser test: $book in $("$chromium" --version 2>/dev/null | head -1)"
exec "$python" -m pytest tests/browser --book "$book" --chromium "$chromium" -p no:cacheprovider -o addopts="" -q -ra
