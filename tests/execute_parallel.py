"""Execute the book's notebooks side by side into jupyter-cache, for `make book` to build from.

``jupyter-book build`` (myst-nb, ``execute_notebooks: cache``) executes each stale notebook
in turn. This runs them first, ``--jobs`` at a time (default 2, one per core: each kernel
computes on one thread, see ``actlib.frameworks``), in the order given (longest first), and
stores each result in the cache exactly as myst-nb would (same execution call, same cache
record), so the build then finds every notebook cached and executes nothing.

Run: ``python -m tests.execute_parallel --cache _build/.jupyter_cache chapters/07_dcgan_training.ipynb ...``
A notebook whose cached record is already current is skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path


def _execute(path: str, timeout: int) -> tuple[str, dict | None, str, float]:
    """Execute one notebook in its own folder, as myst-nb does; (path, notebook, error, seconds)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(path).resolve().parent), allow_errors=False,
                                 timeout=timeout, meta_override=True)
    if result.err is not None:
        return path, None, result.exc_string or repr(result.err), result.time
    return path, dict(notebook), "", result.time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--cache", default="_build/.jupyter_cache")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args(argv)

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(args.cache)
    stale = []
    for path in args.notebooks:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(path)
    if not stale:
        print("every notebook is cached and current")
        return 0
    print(f"executing {len(stale)} notebook(s), {args.jobs} at a time", flush=True)
    start, failed = time.perf_counter(), []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_execute, path, args.timeout) for path in stale]
        for future in as_completed(futures):
            path, executed, error, seconds = future.result()
            if error:
                failed.append(path)
                print(f"{path}: FAILED after {seconds:.0f} s\n{error}", flush=True)
                continue
            record = cache.cache_notebook_bundle(
                CacheBundleIn(nbformat.from_dict(executed), str(Path(path).resolve()),
                              data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            print(f"{path}: {seconds:.0f} s (cache record {record.pk})", flush=True)
    print(f"executed in {time.perf_counter() - start:.0f} s of wall time")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
