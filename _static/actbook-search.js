// actbook: search results with a prose snippet, pointing at the section it comes from.
//
// Sphinx's searchtools.js shows, under each page it finds, 240 characters of the page's text
// around the first place a search word occurs: often the page's list of headings, a printed
// output, or the raw LaTeX of a formula (`\operatorname{ReLU}(x) = \max(0, x)`), and the link
// goes to the top of the page. Here the snippet comes from the first paragraph (or list item,
// definition, caption) that has the word, with its formulas read out as text (ReLU(x) = max(0, x)),
// and the link goes to that paragraph's section ("Page › Section").
// (Jupyter Book adds every .js file in _static/ to every page; it acts on the search page only.)
(() => {
  "use strict";

  // Sphinx 7.4's Japanese catalogue translates the summary of a search ("Search finished,
  // found 3 page(s) ...") as an empty string, so a Japanese reader saw no count: the edition's
  // own translation (window.actbookText, actlib/course/i18n.py) stands in for an empty one.
  const N_ = (text) => text;  // (marks the string for Babel: locales/babel.cfg)
  // (when the page has loaded: every deferred script, translations.js among them, has run, and
  // the search, which starts then too, has not: searchtools.js comes after this file)
  const SUMMARY = N_("Search finished, found ${resultCount} page(s) matching the search query.");
  document.addEventListener("DOMContentLoaded", () => {
    // (doctools.js declares Documentation with const: a global name, not a property of window)
    const translations = typeof Documentation === "undefined" ? null : Documentation.TRANSLATIONS;
    if (translations && !translations[SUMMARY] && window.actbookText && window.actbookText[SUMMARY]) {
      translations[SUMMARY] = window.actbookText[SUMMARY];
    }
  });

  // Not prose: headings, navigation, code and what it printed, display formulas, tables.
  const NOT_PROSE = [
    "h1", "h2", "h3", "h4", "h5", "h6", "nav", ".toctree-wrapper", ".contents", ".bd-toc",
    "pre", ".cell_input", ".cell_output", "div.math", ".admonition-title", "table",
    ".headerlink", "script", "style", "noscript", ".sd-tab-set > label",
  ].join(", ");
  const PROSE = "p, li, dd, dt";
  const WIDTH = 240;

  const SYMBOLS = {
    alpha: "\u03b1", beta: "\u03b2", gamma: "\u03b3", delta: "\u03b4", epsilon: "\u03b5",
    varepsilon: "\u03b5", zeta: "\u03b6", eta: "\u03b7", theta: "\u03b8", kappa: "\u03ba",
    lambda: "\u03bb", mu: "\u03bc", nu: "\u03bd", xi: "\u03be", pi: "\u03c0", rho: "\u03c1",
    sigma: "\u03c3", tau: "\u03c4", phi: "\u03c6", varphi: "\u03c6", chi: "\u03c7", psi: "\u03c8",
    omega: "\u03c9", Gamma: "\u0393", Delta: "\u0394", Theta: "\u0398", Lambda: "\u039b",
    Sigma: "\u03a3", Phi: "\u03a6", Psi: "\u03a8", Omega: "\u03a9", partial: "\u2202",
    nabla: "\u2207", cdot: "\u00b7", times: "\u00d7", le: "\u2264", leq: "\u2264", ge: "\u2265",
    geq: "\u2265", ne: "\u2260", neq: "\u2260", approx: "\u2248", infty: "\u221e", to: "\u2192",
    rightarrow: "\u2192", mapsto: "\u21a6", in: "\u2208", sum: "\u03a3", prod: "\u03a0",
    pm: "\u00b1", ldots: "\u2026", dots: "\u2026", cdots: "\u2026", odot: "\u2299", circ: "\u2218",
    sqrt: "\u221a", mid: "|", lvert: "|", rvert: "|", vert: "|", lVert: "\u2016", rVert: "\u2016",
    ell: "\u2113", sim: "~", propto: "\u221d", equiv: "\u2261", leftarrow: "\u2190", gets: "\u2190",
    Rightarrow: "\u21d2", iff: "\u21d4", forall: "\u2200", exists: "\u2203", emptyset: "\u2205",
  };

  // A formula's TeX source as text a reader can read in a snippet.
  const texToText = (tex) => {
    let text = tex.trim().replace(/^\\\(|\\\)$|^\\\[|\\\]$|^\$+|\$+$/g, "");
    for (let i = 0; i < 4; i++) {  // (nested groups, from the inside out)
      text = text
        .replace(/\\(?:operatorname|mathrm|text|textrm|mathbf|boldsymbol|mathit|mathcal|mathbb|mathsf|bm)\s*\{([^{}]*)\}/g, "$1")
        .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
        .replace(/\\sqrt\s*\{([^{}]*)\}/g, "\u221a($1)");
    }
    return text
      .replace(/\^\s*(?:\{\s*\\top\s*\}|\\top\b)/g, "\u1d40")
      .replace(/\\(?:left|right|big|Big|bigg|Bigg)[lr]?\b\s*\\?/g, "")
      .replace(/\\[,;:!> ]|~/g, " ")
      .replace(/\\(?:quad|qquad)\b/g, " ")
      .replace(/\\([A-Za-z]+)/g, (_, name) => SYMBOLS[name] ?? name)
      .replace(/\\([{}_%&#$|])/g, "$1")
      .replace(/[{}]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  };

  const textOf = (block) => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll(NOT_PROSE).forEach((e) => e.remove());
    copy.querySelectorAll(".math").forEach((math) => math.replaceWith(texToText(math.textContent)));
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // The prose blocks of a page (or of one of its sections), in reading order.
  // (A figure's caption is prose, though the figure sits in a cell's output.)
  const proseBlocks = (root) => [...root.querySelectorAll(PROSE)].filter((block) =>
    (block.closest("figcaption") || !block.closest(NOT_PROSE))
    && !block.querySelector(":scope > p, :scope > ul, :scope > ol"));

  const snippet = (text, at) => {
    if (text.length <= WIDTH) return text;
    let start = Math.max(0, Math.min(at - 80, text.length - WIDTH));
    let end = start + WIDTH;
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
    return `${start > 0 ? "\u2026 " : ""}${text.slice(start, end).trim()}${end < text.length ? " \u2026" : ""}`;
  };

  // A table's rows, as text (cells joined by " · "): where a word is only in a table (the
  // instructor guide's exercise list, the symbols), its row is the snippet.
  const rows = (root) => [...root.querySelectorAll("table tr")].filter((row) => !row.closest("pre, .cell_input"))
    .map((row) => ({ block: row, text: [...row.cells].map(textOf).filter(Boolean).join(" \u00b7 ") }));

  // A search word's forms: the word and its stem (Sphinx's search matches stems: "derivative"
  // finds a page that says "derived"; language_data.js defines the Stemmer).
  const stemmer = typeof Stemmer === "function" ? new Stemmer() : null;  // eslint-disable-line no-undef
  const forms = (word) => {
    const stem = stemmer ? stemmer.stemWord(word) : word;
    return stem && stem !== word && stem.length >= 3 ? [word, stem] : [word];
  };
  // Where a word (in any of its forms) first occurs in a text; -1 if nowhere.
  const indexIn = (text, word) => {
    const found = forms(word).map((f) => text.indexOf(f)).filter((i) => i >= 0);
    return found.length ? Math.min(...found) : -1;
  };

  // The first prose block that has every search word, else any of them; else a table row that
  // has one; else the first prose block (the page's or the section's opening).
  const find = (root, keywords) => {
    const blocks = proseBlocks(root).map((block) => ({ block, text: textOf(block) }))
      .filter(({ text }) => text.split(" ").length >= 4);
    const words = [...keywords].map((k) => k.toLowerCase()).filter(Boolean);
    const where = ({ text }) => words.map((w) => indexIn(text.toLowerCase(), w));
    return blocks.find((b) => words.length && where(b).every((i) => i >= 0))
      || blocks.find((b) => where(b).some((i) => i >= 0))
      || rows(root).find((b) => where(b).some((i) => i >= 0))
      || blocks[0];
  };

  const sectionOf = (block, main) => {
    const section = block.closest("section[id]");
    if (!section || !main.contains(section)) return null;
    const heading = section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
    if (!heading || heading.tagName === "H1") return null;
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((e) => e.remove());
    copy.querySelectorAll(".math").forEach((math) => math.replaceWith(texToText(math.textContent)));
    return { id: section.id, title: copy.textContent.replace(/\s+/g, " ").trim() };
  };

  // The anchored part of the page a result points at (a section, a glossary term), if any.
  const anchored = (main, anchor) => {
    try { return anchor ? main.querySelector(anchor) : null; } catch (e) { return null; }
  };

  // A glossary term's snippet: the term, then its definition.
  const definition = (dt) => {
    const dd = dt.nextElementSibling;
    if (!dd || !dd.matches("dd")) return null;
    return { block: dt, text: `${textOf(dt)}: ${textOf(dd)}` };
  };

  let sphinxSummary = null;  // searchtools.js's own, for a page with no prose at all

  const makeSearchSummary = (htmlText, keywords, anchor) => {
    const doc = new DOMParser().parseFromString(htmlText, "text/html");
    const main = doc.querySelector('[role="main"]');
    const target = main && anchored(main, anchor);
    const found = main && ((target && target.matches("dt") && definition(target))
      || (target && find(target.matches(PROSE) ? target.parentElement : target, keywords))
      || find(main, keywords));
    if (!found) return sphinxSummary ? sphinxSummary(htmlText, keywords, anchor) : document.createElement("p");
    const words = [...keywords].map((k) => k.toLowerCase());
    const positions = words.map((w) => indexIn(found.text.toLowerCase(), w)).filter((i) => i >= 0);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = snippet(found.text, positions.length ? Math.min(...positions) : 0);
    const section = !anchor && sectionOf(found.block, main);
    if (section) {
      // (searchtools.js appends the summary to its result's <li> as soon as this returns)
      queueMicrotask(() => {
        const link = summary.parentElement && summary.parentElement.querySelector(":scope > a");
        if (!link || link.getAttribute("href").includes("#")) return;
        link.setAttribute("href", `${link.getAttribute("href")}#${section.id}`);
        link.append(` \u203a ${section.title}`);
      });
    }
    return summary;
  };

  const patch = () => {
    if (typeof Search === "undefined" || !document.getElementById("search-results")) return;
    if (Search.makeSearchSummary === makeSearchSummary) return;  // eslint-disable-line no-undef
    sphinxSummary = Search.makeSearchSummary;  // eslint-disable-line no-undef
    Search.makeSearchSummary = makeSearchSummary;  // eslint-disable-line no-undef
  };

  // For the browser test and the unit of it that matters: TeX read as text.
  window.actbookSearch = { texToText };

  if (typeof Search !== "undefined") patch();  // eslint-disable-line no-undef
  document.addEventListener("DOMContentLoaded", patch);
})();
