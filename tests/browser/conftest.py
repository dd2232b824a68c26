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
import gzip
import http.server
import io
import json
import os
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
    parser.addoption("--metrics", default=None,
                     help="write the measured counts (per page and width) to this JSON file as well")


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


# Text a static web host compresses (GitHub Pages, Netlify, Read the Docs, nginx's gzip_static ...).
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".txt", ".inv", ".map"}


class BookServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # (a browser that closes a connection early: not the book's problem)


def serve(book: Path):
    """Serve the book on 127.0.0.1 as a static host does: HTTP/1.1 with keep-alive, text gzipped
    when the browser accepts it. Returns (base URL, server)."""
    cache: dict = {}

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_head(self):
            path = self.translate_path(self.path)
            if not (os.path.isfile(path) and Path(path).suffix in COMPRESSED
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                return super().send_head()
            key = (path, os.stat(path).st_mtime_ns)
            if key not in cache:
                cache[key] = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
            body = cache[key]
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    httpd = BookServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(book)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="session")
def server(book):
    """A static file server for the book on 127.0.0.1, on a free port (see :func:`serve`)."""
    base, httpd = serve(book)
    yield base
    httpd.shutdown()
    httpd.server_close()


# --- The measured counts, printed at the end of the run ----------------------------------------
# Tests record them with record_property("actbook", {...}) (which reaches the main process under
# pytest-xdist too); the summary prints them per page, and --metrics writes them as JSON.

METRIC_COLUMNS = [
    ("wrapped", "wrapped printed outputs"),
    ("scrolling_outputs", "printed outputs wider than the column (they scroll)"),
    ("wide_formulas", "display formulas wider than the column"),
    ("swipe_taken", "interactive figures that take a vertical swipe"),
    ("blocking_script_kib", "render-blocking script, KiB"),
    ("fcp_ms", "first contentful paint on Fast 3G, ms"),
]


def _collected(terminalreporter) -> list[dict]:
    rows = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            rows += [value for name, value in getattr(report, "user_properties", ()) if name == "actbook"]
    return rows


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = _collected(terminalreporter)
    if not rows:
        return
    table: dict = {}
    lists: dict = {}
    for row in rows:
        key = (row["page"], row.get("width", ""))
        for name, _ in METRIC_COLUMNS:
            if name in row:
                value = row[name]
                table.setdefault(key, {})[name] = len(value) if isinstance(value, list) else value
                if isinstance(value, list) and value:
                    lists.setdefault(name, {})[key] = value
        for name, value in row.items():
            if name.startswith("search:"):
                lists.setdefault("search", {})[(row["page"], name)] = value
    write = terminalreporter.write_line
    terminalreporter.section("actbook: counts per page")
    for name, title in METRIC_COLUMNS:
        write(f"  {name}: {title}")
    header = f"  {'page':40s} {'width':7s}" + "".join(f" {name[:19]:>19s}" for name, _ in METRIC_COLUMNS)
    write(header)
    for (page, width), values in sorted(table.items()):
        cells = "".join(f" {str(values.get(name, '')):>19s}" for name, _ in METRIC_COLUMNS)
        write(f"  {page:40s} {str(width):7s}{cells}")
    for name, entries in lists.items():
        write("")
        write(f"  {dict(METRIC_COLUMNS).get(name, name)}:")
        for (page, width), values in sorted(entries.items()):
            for value in values if isinstance(values, list) else [values]:
                write(f"    {page} ({width}): {value}")
    path = config.getoption("--metrics", default=None)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(rows, indent=1, sort_keys=True), encoding="utf-8")
        write(f"  (also written to {path})")


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
