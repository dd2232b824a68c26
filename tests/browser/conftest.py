"""The HTML book as a reader sees it: served on 127.0.0.1, driven by headless Chromium.

Run with ``make browser-test`` (``make test`` runs it after the book build), or directly:
``.venv/bin/pytest tests/browser --book /path/to/_build/html --axe /path/to/axe.min.js``.
Without ``--book`` (the plain ``pytest tests`` unit run) nothing here is collected.

axe-core (the accessibility audit) is the npm package pinned in ``package.json`` /
``package-lock.json`` here; ``run.sh`` installs it with ``npm ci`` into
``_build/browser-test/node_modules`` (``--axe`` defaults to the ``axe.min.js`` there).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DEFAULT_AXE = HERE.parent.parent / "_build" / "browser-test" / "node_modules" / "axe-core" / "axe.min.js"


def pytest_addoption(parser):
    parser.addoption("--book", default=None, help="the built HTML book to test (e.g. _build/html)")
    parser.addoption("--chromium", default=None, help="the Chromium executable (default: chromium on PATH)")
    parser.addoption("--axe", default=None, help=f"axe-core's axe.min.js (default: {DEFAULT_AXE})")


def pytest_ignore_collect(collection_path, config):
    if config.getoption("--book", default=None) is None and HERE in (collection_path, *collection_path.parents):
        return True
    return None


@pytest.fixture(scope="session")
def book(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--book")).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(f"no built book at {path} (no index.html): run `make book-check` first")
    return path


@pytest.fixture(scope="session")
def axe_js(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--axe") or DEFAULT_AXE).resolve()
    if not path.is_file():
        pytest.fail(f"no axe-core at {path}: run tests/browser/run.sh (it installs the pinned axe-core with npm ci)")
    return path


@pytest.fixture(scope="session")
def server(book):
    """A static file server for the book on 127.0.0.1, on a free port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(book)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser(pytestconfig):
    executable = pytestconfig.getoption("--chromium") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("no chromium on PATH: `apt-get install chromium` (make browser-test does it in CI)")
    from playwright.sync_api import sync_playwright

    # Playwright starts Chromium with a fresh temporary profile (a new --user-data-dir) every time.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        yield b
        b.close()
