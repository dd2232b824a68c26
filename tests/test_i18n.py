"""The translated editions' machinery: the catalogues' check, the edition's configuration, the
links between twin pages (actlib.course.catalogues, .edition, .i18n). `make i18n-check` runs the
check on the Japanese catalogues themselves; the browser test reads the built edition."""

from pathlib import Path

import nbformat
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from actlib.course import catalogues, edition, i18n

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("It took {glue:text}`gan_steps:,` steps.", "学習は完了しました。", "missing {glue:text}`gan_steps:,`"),
    ("See {cite:p}`he2015`.", "{cite:p}`he2016`を参照。", "missing {cite:p}`he2015`"),
    ("In {ref}`article 004 <sources-004>`.", "{ref}`記事 004 <sources-005>`では。", "missing {ref} -> sources-004"),
    ("With $u = 0$.", "$u=0$で。", "missing math_inline u = 0"),
    ("Call `np.exp`.", "`np.exp()`を呼びます。", "missing code_inline np.exp"),
    ("**Learning goals.** After", "**学習目標。**この章", "missing strong_open"),
    ("**Learning goals.** After", "**学習目標。**この章", "extra stray '**' in text"),
    ("Runs in {{ runtime_ch1 }}.", "実行時間は約1分です。", "missing {{ runtime_ch1 }}"),
    ("A [link](https://a.example).", "[リンク](https://b.example)。", "missing link https://a.example"),
    # a hard line break, which the English message shows as "\\ ", kept so: the page shows "\\"
    ("$f(x)$ \\ **Range** (0, 1)", "$f(x)$ \\ **値域** (0, 1)", "missing hard line break"),
])
def test_a_translation_that_loses_markup_is_reported(msgid, msgstr, problem):
    assert problem in catalogues.markup_problems(msgid, msgstr)


@pytest.mark.parametrize("msgid, msgstr", [
    ("It took {glue:text}`gan_steps:,` steps.", "{glue:text}`gan_steps:,`ステップかかりました。"),
    ("In {ref}`article 004 <sources-004>`.", "{ref}`記事 004 <sources-004>`では。"),
    ("A {term}`unit <activation function>` fires.", "{term}`ユニット <活性化関数>`が発火します。"),
    ("**Learning goals.** After", "**学習目標**。この章"),
    ("Chapter {doc}`chapters/02_xor` shows it.", "{doc}`chapters/02_xor`で示します。"),
    ("$f(x)$ \\ **Range** (0, 1)", "$f(x)$ \\\n**値域** (0, 1)"),
    ("\n\\begin{cases} 1 & u > 0, \\\\ 0 \\end{cases}\n", "\n\\begin{cases} 1 & u > 0, \\\\ 0 \\end{cases}\n"),
])
def test_a_whole_translation_passes(msgid, msgstr):
    assert catalogues.markup_problems(msgid, msgstr) == []


def _catalogue(path: Path, messages: dict[str, tuple[str, bool]]) -> None:
    catalog = Catalog(locale="ja")
    for msgid, (msgstr, fuzzy) in messages.items():
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0)


def test_the_check_counts_untranslated_fuzzy_and_broken_messages(tmp_path):
    pot, po = tmp_path / "pot" / "chapters" / "x.pot", tmp_path / "ja" / "LC_MESSAGES" / "chapters" / "x.po"
    _catalogue(pot, {m: ("", False) for m in ("One.", "Two {glue:text}`k`.", "Three.", "Four.")})
    _catalogue(po, {"One.": ("一。", False), "Two {glue:text}`k`.": ("二。", False), "Three.": ("三。", True)})
    report = catalogues.check(tmp_path / "ja", tmp_path / "pot")
    assert (report.messages, report.translated) == (4, 1)
    assert [len(report.untranslated), len(report.fuzzy), len(report.broken)] == [1, 1, 1]
    assert not report.ok and report.coverage == 0.25
    assert catalogues.main(["check", str(tmp_path / "ja"), "--pot", str(tmp_path / "pot")]) == 1
    with pytest.raises(ValueError, match="no such pages"):
        catalogues.check(tmp_path / "ja", tmp_path / "pot", ["chapters/y"])


def test_glued_texts_are_the_glued_values_with_words(tmp_path):
    def glued(name, plain):
        return nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": plain},
                                      metadata={"scrapbook": {"name": name}})

    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [glued("seeds_word", "'three'"), glued("loss", "0.25"), glued("seeds", "'0, 1 and 2'"),
                    glued("accuracies", "'11.3%, 9.7%'"), glued("weights", "'(2, 1)'")]
    path = tmp_path / "c.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(path))
    # a list takes the edition's comma; a vector stays as it is
    assert catalogues.glued_texts([path]) == {"three": ["c: seeds_word"], "0, 1 and 2": ["c: seeds"],
                                              "11.3%, 9.7%": ["c: accuracies"]}


def test_run_times_in_japanese_units():
    assert edition.translate_time("6 min 37 s", "ja") == "6 分 37 秒"
    assert edition.translate_time("43 s", "ja") == "43 秒"
    with pytest.raises(ValueError, match="no time units"):
        edition.translate_time("43 s", "xx")


def test_the_japanese_configuration():
    config = edition.edition_config(ROOT, "ja")
    sphinx = config["sphinx"]["config"]
    assert sphinx["language"] == "ja" and sphinx["actbook_twin_language"] == "en"
    assert sphinx["locale_dirs"] == [str(ROOT / "locales")]
    assert config["execute"]["execute_notebooks"] == "off"
    assert "sphinx_tsegsearch" in config["sphinx"]["extra_extensions"]
    assert all("分" in v or "秒" in v for k, v in config["parse"]["myst_substitutions"].items()
               if k.startswith("runtime_") and k != "runtime_date")
    captions = [part["caption"] for part in edition.edition_toc(ROOT, "ja")["parts"]]
    assert captions == ["基礎", "フレームワーク", "リファレンス", "教員向け"]
    with pytest.raises(FileNotFoundError, match="no overlay"):
        edition.edition_config(ROOT, "xx")


def test_after_make_book_the_japanese_pages_show_the_english_runs_outputs(tmp_path):
    """Review after the clean reviews, finding 4: `make book` ran the notebooks again for the
    English pages while the Japanese ones showed the stored outputs (7.9's training time differed)."""
    config = edition.edition_config(ROOT, "ja", cache=tmp_path)
    assert config["execute"]["execute_notebooks"] == "cache" and config["execute"]["cache"] == str(tmp_path)
    with pytest.raises(FileNotFoundError, match="no jupyter-cache"):
        edition.edition_config(ROOT, "ja", cache=tmp_path / "missing")


@pytest.mark.parametrize("page, language, other, url", [
    ("intro", "en", "ja", "ja/intro.html"),
    ("chapters/01_perceptron", "en", "ja", "../ja/chapters/01_perceptron.html"),
    ("intro", "ja", "en", "../intro.html"),
    ("chapters/zoo", "ja", "en", "../../chapters/zoo.html"),
])
def test_twin_pages_link_each_other_relatively(page, language, other, url):
    assert i18n.twin_url(page, language, other) == url


def test_an_unknown_edition_is_refused():
    with pytest.raises(ValueError, match="editions are"):
        i18n.twin_url("intro", "en", "fr")


def test_translate_leaves_english_and_unknown_text_alone():
    assert i18n.translate(None, "Close", i18n.INTERFACE_CATALOGUE) == "Close"

    class App:
        srcdir = str(ROOT)

        class config:
            language = "ja"
            locale_dirs = ["locales"]

    assert i18n.tr(App, "Close") == "閉じる"
    assert i18n.tr(App, "no such string") == "no such string"


def test_display_formulas_are_written_as_the_catalogue_check_reads_them():
    """Review delta2, G2: `catalogues.markup` tells a display formula's message (where "\\\\ " ends
    a row) from prose by its leading newline, which "$$" on lines of their own gives; a one-line
    "$$ ... $$" or a {math} directive gives none, and an untouched translation would be refused."""
    import json
    import re

    # (a "$$" with anything but a label after it on its line, also after a list or quote marker;
    # any fence of a {math} directive: review delta3, H1)
    one_line = re.compile(r"^[ \t]*(?:(?:[-*+>]|\d+[.)])[ \t]+)*\$\$(?![ \t]*(?:\([^)\n]*\))?[ \t]*$)", re.M)
    directive = re.compile(r"^[ \t]*(`{3,}|:{3,})\{math\}", re.M)
    found = []
    for path in sorted([*ROOT.glob("*.md"), *(ROOT / "chapters").glob("*.ipynb")]):
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        else:
            texts = [path.read_text(encoding="utf-8")]
        found += [f"{path.name}: {m.group(0).strip()[:60]}"
                  for t in texts for m in [*one_line.finditer(t), *directive.finditer(t)]]
    assert not found, "display formulas the catalogue check cannot tell from prose:\n" + "\n".join(found)
