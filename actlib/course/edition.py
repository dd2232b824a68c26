"""The configuration of a translated edition: the book's ``_config.yml`` with the edition's overlay.

``python -m actlib.course.edition ja --out _build/ja/config.yml`` writes the Japanese edition's
Jupyter Book configuration (``make book-ja`` builds with it):

* the book's own ``_config.yml``, built from the outputs the English pages show: the stored
  ones (nothing is executed again), or, with ``--cache`` (``make book``, which runs every notebook
  again for the English pages), the outputs of that run in its jupyter-cache; so the English and
  Japanese pages show the same outputs and numbers;
* Sphinx's ``language`` and the catalogues (``locale_dirs``: ``locales/<language>/LC_MESSAGES``),
  with ``actlib.course.i18n`` (glued values in translated text, the link to the twin page);
* the overlay ``locales/<language>/book.yml``: the title, strings that come from
  configuration (figure and table numbers, myst-nb's code-cell toggles) and extensions
  that only this edition needs (Japanese search);
* the run times (``runtime_*``, measured in English units) in the edition's units;
* and, beside it, its table of contents: the book's, with the parts' captions translated.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml

#: "6 min 37 s" -> "6 分 37 秒": the units of a run time, per language.
TIME_UNITS = {"ja": {"min": "分", "s": "秒"}}
_TIME = re.compile(r"(\d+)\s*(min|s)\b")


def translate_time(text: str, language: str) -> str:
    """A measured run time such as ``"1 min 25 s"`` in ``language``'s units.

    >>> translate_time("1 min 25 s", "ja")
    '1 分 25 秒'
    """
    if language not in TIME_UNITS:
        raise ValueError(f"no time units for {language!r}; known: {sorted(TIME_UNITS)}")
    units = TIME_UNITS[language]
    return _TIME.sub(lambda m: f"{m.group(1)} {units[m.group(2)]}", text)


def _merge(base: dict, overlay: dict) -> dict:
    """``base`` with ``overlay`` merged in: nested mappings merged, lists and values replaced."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def edition_config(book: Path, language: str, cache: Path | None = None) -> dict:
    """The Jupyter Book configuration of the ``language`` edition of the book in ``book``, built
    from the notebooks' stored outputs, or from the jupyter-cache ``cache`` of the English build."""
    book = Path(book).resolve()
    base = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    overlay_path = book / "locales" / language / "book.yml"
    if not overlay_path.is_file():
        raise FileNotFoundError(f"no overlay for the {language!r} edition: {overlay_path}")
    overlay = yaml.safe_load(overlay_path.read_text(encoding="utf-8")) or {}
    extensions = overlay.pop("extra_extensions", [])
    config = _merge(base, overlay)
    if cache is None:
        config["execute"]["execute_notebooks"] = "off"
    else:
        cache = Path(cache).resolve()
        if not cache.is_dir():
            raise FileNotFoundError(f"no jupyter-cache at {cache}: build the English pages first (make book)")
        config["execute"].update(execute_notebooks="cache", cache=str(cache))
    sphinx = config["sphinx"]
    sphinx["extra_extensions"] = [*sphinx["extra_extensions"], *extensions]
    sphinx["config"].update(language=language, locale_dirs=[str(book / "locales")],
                            actbook_twin_language="en")
    runtimes = config["parse"]["myst_substitutions"]
    for key, value in runtimes.items():
        if key.startswith("runtime_") and key != "runtime_date":
            runtimes[key] = translate_time(value, language)
    return config


def edition_toc(book: Path, language: str) -> dict:
    """The book's ``_toc.yml`` with its parts' captions in ``language`` (``locales/<language>/
    LC_MESSAGES/toc.po``; a caption without a translation stays as it is)."""
    from babel.messages.pofile import read_po

    book = Path(book).resolve()
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    po = book / "locales" / language / "LC_MESSAGES" / "toc.po"
    captions = {}
    if po.is_file():
        with po.open("rb") as f:
            captions = {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}
    for part in toc.get("parts", []):
        if part.get("caption") in captions:
            part["caption"] = captions[part["caption"]]
    return toc


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("--book", type=Path, default=Path("."))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None,
                        help="the English build's jupyter-cache, whose outputs the edition then shows")
    args = parser.parse_args(argv)
    config = edition_config(args.book, args.language, args.cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    toc = args.out.with_name("_toc.yml")
    toc.write_text(yaml.safe_dump(edition_toc(args.book, args.language), allow_unicode=True, sort_keys=False),
                   encoding="utf-8")
    print(f"the {args.language!r} edition's configuration: {args.out}, and its table of contents: {toc}")


if __name__ == "__main__":
    main()
