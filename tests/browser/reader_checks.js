// What a reader sees on a page of the built book: the browser test (test_book.py) injects this
// file into every page and calls window.actbookChecks.<check>(); each check returns a list of
// problems (strings), empty when the page is right.
(() => {
  // The page's content: the article (the search page has a search container instead).
  const content = () => document.querySelector("article.bd-article") ||
    document.querySelector("main .bd-search-container") || document.querySelector("main");
  // Tool markers that must never reach a reader, and the self-checks' verdict (which would give
  // an exercise's answer away outside its opened solution).
  const MARKERS = ["### BEGIN SOLUTION", "### END SOLUTION", "NBVAL", "noqa"];
  const VERDICTS = ["Correct ("];
  // Elements only a screen reader reads (they may be any size); the interactive figures' native
  // controls are among them until one of them has the focus.
  const HIDDEN = ".sr-only, .visually-hidden, mjx-assistive-mml, .actbook-plotly-keys:not(:focus-within)";
  // Printed outputs: what a cell printed (stream), its plain-text result, an error.
  const PRINTED = ["stream", "text_plain", "error"].map((k) => `div.cell_output .output.${k} pre`).join(", ");
  // A box whose content is wider than it scrolls (overflow-x: auto | scroll) and shows that it
  // does (the book's actbook-scroll.js marks it; actbook.css fades its edge), and the keyboard
  // can scroll it (it takes the focus).
  const scrollsVisibly = (el) => {
    const style = getComputedStyle(el);
    const mask = style.maskImage || style.webkitMaskImage || "none";
    return ["auto", "scroll"].includes(style.overflowX) && !!el.dataset.actbookScroll && mask !== "none" &&
      el.tabIndex >= 0;
  };
  // The TeX source of a typeset formula (MathJax keeps it), for a list a chapter author can use.
  const texOf = (container) => {
    try {
      const items = window.MathJax.startup.document.getMathItemsWithin(container);
      if (items.length) return items[0].math.replace(/\s+/g, " ").trim();
    } catch (e) { /* not typeset by MathJax 3 */ }
    return (container.textContent || "").replace(/\s+/g, " ").trim();
  };
  // The lines a <pre> shows: one per distinct line box (a line that wraps shows on two or more).
  const shownLines = (pre) => {
    const range = document.createRange();
    range.selectNodeContents(pre);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0.5 && r.height > 0.5) tops.add(Math.round(r.top));
    return tops.size;
  };

  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    const cls = [...el.classList].slice(0, 3).join(".");
    if (cls) s += `.${cls}`;
    const section = el.closest("section[id]");
    const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
    return `${s}${section ? ` in §${section.id}` : ""}${text ? ` ("${text}")` : ""}`;
  };

  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  // The text of `root` a reader can reach (shown, or one click away in a folded cell), without
  // the elements matched by `skip` (scripts, styles, and for the verdict: opened solutions).
  const textOf = (root, skip) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const parts = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.data);
    return parts.join("");
  };

  // In dark mode a figure sits on a light card, dimmed like the others; null when it does.
  const cardOf = (el) => {
    const style = getComputedStyle(el);
    const bg = style.backgroundColor.match(/[\d.]+/g).map(Number);
    const light = bg.length >= 3 && (bg.length < 4 || bg[3] > 0.9) && Math.min(bg[0], bg[1], bg[2]) > 200;
    if (!light) return `has no light card behind it in dark mode (background ${bg})`;
    if (!/brightness\(0?\.\d+\)/.test(style.filter)) return `is not dimmed in dark mode (filter ${style.filter})`;
    return null;
  };

  const checks = {
    // No marker anywhere in the page's content, and no verdict outside a solution.
    markers() {
      const article = content();
      if (!article) return ["no content (article or main) on the page"];
      const problems = [];
      const all = textOf(article, "script, style");
      for (const m of MARKERS) {
        const n = all.split(m).length - 1;
        if (n) problems.push(`marker text "${m}" shown ${n} time(s)`);
      }
      const outside = textOf(article, "script, style, .solution");
      for (const v of VERDICTS) {
        const n = outside.split(v).length - 1;
        if (n) problems.push(`self-check verdict "${v}" shown ${n} time(s) outside a solution`);
      }
      return problems;
    },

    // No empty output box (a cell whose output printed nothing visible, e.g. model.summary()
    // writing to a stream the notebook does not capture), and no unfolded cell that is nothing
    // but assertions (plumbing: tag it remove-cell).
    plumbing() {
      const problems = [];
      const root = content();
      if (!root) return problems;
      root.querySelectorAll("div.cell_output > .output").forEach((out) => {
        if (!out.textContent.trim() && !out.querySelector("img, svg, canvas, iframe, video, table")) {
          problems.push(`empty output box: ${describe(out.closest(".cell"))}`);
        }
      });
      root.querySelectorAll("div.cell:not(.tag_hide-input):not(.tag_hide-cell)").forEach((cell) => {
        const pre = cell.querySelector(":scope > .cell_input pre");
        if (!pre) return;
        const lines = pre.textContent.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
        if (lines.length && lines.every((l) => /^(assert\b|\)|\]|f?["'])/.test(l)) && /^assert\b/.test(lines[0])) {
          problems.push(`a cell that is only assertions is shown: ${describe(cell)}`);
        }
      });
      return problems;
    },

    // Nothing wider than its column: the page does not scroll sideways, and no element of the
    // content reaches past the article's edges unless an ancestor scrolls it inside its own box.
    // An element cut off by an ancestor that hides overflow (overflow: hidden/clip) counts too.
    overflow() {
      const problems = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) {
        problems.push(`the page scrolls sideways: ${root.scrollWidth} px of content in ${root.clientWidth} px`);
      }
      const article = content();
      if (!article) return problems;
      const box = article.getBoundingClientRect();
      const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
      const reported = [];
      const inReported = (el) => reported.some((r) => r.contains(el));
      const all = [...article.querySelectorAll("*")];
      // (1) past the column's edges, with no ancestor that scrolls it inside its own box
      for (const el of all) {
        const r = el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2 || (r.right <= box.right + 1 && r.left >= box.left - 1)) continue;
        if (!rendered(el) || inReported(el) || el.closest(HIDDEN)) continue;
        // (the parts of a drawing are clipped by its <svg>, which is checked itself)
        if (el.ownerSVGElement) continue;
        let scroller = null;
        for (let a = el.parentElement; a && a !== article; a = a.parentElement) {
          if (scrolls(a)) { scroller = a; break; }
        }
        if (scroller) continue;
        problems.push(`overflows the column: ${describe(el)} spans ${Math.round(r.left - box.left)}..` +
                      `${Math.round(r.right - box.left)} px of a ${Math.round(box.width)} px column`);
        reported.push(el);
      }
      // (2) cut off: a box that hides its overflow (overflow: hidden or clip) while something it
      // shows reaches past its edges (visually-hidden labels and MathJax's assistive MathML,
      // which only screen readers read, aside)
      for (const el of all) {
        if (el.clientWidth < 2 || el.scrollWidth <= el.clientWidth + 2) continue;
        if (!["hidden", "clip"].includes(getComputedStyle(el).overflowX)) continue;
        if (!rendered(el) || inReported(el) || el.closest(HIDDEN)) continue;
        const c = el.getBoundingClientRect();
        let right = c.right, left = c.left;
        for (const d of el.querySelectorAll("*")) {
          if (d.closest(HIDDEN)) continue;
          const r = d.getBoundingClientRect();
          if (r.width < 1 || r.height < 1) continue;
          right = Math.max(right, r.right);
          left = Math.min(left, r.left);
        }
        if (right > c.right + 2 || left < c.left - 2) {
          problems.push(`cut off: ${describe(el)} shows ${Math.round(c.width)} px of ` +
                        `${Math.round(right - left)} px (it hides its overflow)`);
          reported.push(el);
        }
      }
      return problems;
    },

    // Every image in the content is a numbered figure with a caption, and its alt text says what
    // it shows (not a file name, which is what a screen reader would read out). In dark mode it
    // sits on a light card.
    images() {
      const problems = [];
      const dark = document.documentElement.dataset.theme === "dark";
      const root = content();
      if (!root) return problems;
      root.querySelectorAll("img").forEach((img, k) => {
        const name = `image ${k + 1} (${(img.getAttribute("src") || "").split("/").pop().slice(0, 16)}...)`;
        const figure = img.closest("figure");
        const caption = figure && figure.querySelector("figcaption");
        if (!caption || !caption.textContent.trim()) problems.push(`${name} has no figure caption`);
        else if (!caption.querySelector(".caption-number")) problems.push(`${name}'s caption has no figure number`);
        const alt = (img.getAttribute("alt") || "").trim();
        if (!alt) problems.push(`${name} has no alt text`);
        else if (/\.(png|jpe?g|gif|svg|webp)$/i.test(alt) || alt.includes("_images/")) {
          problems.push(`${name}'s alt text is its file name`);
        }
        if (dark && rendered(img) && !img.closest(".actbook-plotly-card")) {
          const card = cardOf(img);
          if (card) problems.push(`${name} ${card}`);
        }
      });
      // The interactive figures sit on the same card as the static ones (issue 23).
      if (dark) {
        const cards = [...root.querySelectorAll("img")].filter((img) => rendered(img) && !img.closest(".actbook-plotly-card"));
        const imageFilter = cards.length ? getComputedStyle(cards[0]).filter : null;
        root.querySelectorAll("div.actbook-plotly").forEach((figure, k) => {
          const card = figure.closest(".actbook-plotly-card");
          const wrong = card ? cardOf(card) : "is on no card";
          if (wrong) problems.push(`interactive figure ${k + 1} ${wrong}`);
          else if (imageFilter && getComputedStyle(card).filter !== imageFilter) {
            problems.push(`interactive figure ${k + 1} is not dimmed like the static figures ` +
                          `(${getComputedStyle(card).filter} against ${imageFilter})`);
          }
        });
      }
      return problems;
    },

    // Figure text on a phone (issue 23): each figure's smallest text, in CSS px as shown, is at
    // least 9 px below 600 px of screen width. The book's figures record their smallest text in
    // points (class actbook-text-pt-<tenths>, actlib/course/phone_render.py); drawn at 100 dpi,
    // a point is 100/72 CSS px at the figure's own width, scaled by the width it is shown at.
    // figureTextStats() returns the smallest size on the page, and the figures it measured.
    figureTextStats() {
      const root = content();
      const sizes = [];
      const unknown = [];
      if (!root) return { smallest: null, figures: 0, unknown };
      root.querySelectorAll("img").forEach((img) => {
        if (!rendered(img) || img.closest(".actbook-plotly, .actbook-plotly-card, noscript")) return;
        const tag = [...img.classList].find((c) => c.startsWith("actbook-text-pt-"));
        if (!tag) {
          unknown.push(describe(img.closest("figure") || img));
          return;
        }
        const points = Number(tag.slice("actbook-text-pt-".length)) / 10;
        const drawn = parseFloat(img.style.width) || Number(img.getAttribute("width")) || img.naturalWidth / 2;
        const shown = img.getBoundingClientRect().width;
        sizes.push((points * 100) / 72 * (shown / drawn));
      });
      return { smallest: sizes.length ? Math.min(...sizes) : null, figures: sizes.length, unknown };
    },

    // A page a reader can finish on a phone (issue 23): at most 40 screens of the page's own
    // height at a phone's width (the split chapters' section pages keep to it).
    screens() {
      return document.documentElement.scrollHeight / window.innerHeight;
    },

    length() {
      if (window.innerWidth >= 600) return [];
      const screens = checks.screens();
      return screens > 40 ? [`the page is ${screens.toFixed(1)} phone screens long (at most 40)`] : [];
    },

    figureText() {
      if (window.innerWidth >= 600) return [];
      const stats = checks.figureTextStats();
      const problems = stats.unknown.map((f) => `${f} has no phone version (its text size is unknown)`);
      if (stats.smallest !== null && stats.smallest < 9) {
        problems.push(`a figure's smallest text is ${stats.smallest.toFixed(1)} CSS px (at least 9)`);
      }
      return problems;
    },

    // Printed output keeps its lines (issue 23): no line of it wraps (an aligned table or Keras'
    // model.summary() box would break mid-row), and an output wider than its box scrolls inside
    // it, visibly. Returns problems; window.actbookChecks.printedStats() returns the counts.
    printed() {
      const problems = [];
      const stats = checks.printedStats();
      for (const d of stats.wrapped) problems.push(`printed output wraps: ${d}`);
      for (const d of stats.hiddenScroll) problems.push(`printed output wider than its box does not show it scrolls: ${d}`);
      return problems;
    },

    printedStats() {
      const root = content();
      const out = { outputs: 0, wrapped: [], scrolling: [], hiddenScroll: [] };
      if (!root) return out;
      for (const pre of root.querySelectorAll(PRINTED)) {
        if (!rendered(pre)) continue;
        out.outputs += 1;
        const lines = pre.textContent.replace(/\n+$/, "").split("\n").filter((l) => l.length > 0).length;
        const shown = shownLines(pre);
        if (shown > lines) out.wrapped.push(`${describe(pre.closest(".cell") || pre)}: ${lines} lines shown on ${shown}`);
        if (pre.scrollWidth > pre.clientWidth + 1) {
          out.scrolling.push(describe(pre.closest(".cell") || pre));
          if (!scrollsVisibly(pre)) out.hiddenScroll.push(describe(pre.closest(".cell") || pre));
        }
      }
      return out;
    },

    // Every box that scrolls sideways (code, tables, HTML outputs, formulas) shows it, and the
    // keyboard can scroll it.
    scrollers() {
      const problems = [];
      const root = content();
      if (!root) return problems;
      const boxes = root.querySelectorAll("div.highlight pre, div.cell_output .output.text_html, " +
        ".pst-scrollable-table-container, .table-wrapper, mjx-container[display='true']");
      for (const el of boxes) {
        if (!rendered(el) || el.closest(HIDDEN) || el.scrollWidth <= el.clientWidth + 1) continue;
        if (!scrollsVisibly(el)) problems.push(`scrolls sideways without showing it: ${describe(el)}`);
      }
      return problems;
    },

    // Display formulas wider than their column: listed (for the chapters' authors to break them,
    // CONTRIBUTING.md "Width"); each must scroll inside its own box and show that it does.
    formulas() {
      const root = content();
      const out = { count: 0, wide: [], problems: [] };
      if (!root) return out;
      for (const container of root.querySelectorAll("mjx-container[display='true']")) {
        if (!rendered(container) || container.closest(HIDDEN)) continue;
        out.count += 1;
        const math = container.querySelector("mjx-math") || container;
        const column = (container.parentElement || container).clientWidth;
        const width = math.getBoundingClientRect().width;
        if (width <= column + 1) continue;
        const section = container.closest("section[id]");
        out.wide.push(`${section ? `§${section.id}` : "(top)"}: ${Math.round(width)} px in ${column} px: ` +
                      texOf(container).slice(0, 120));
        if (!scrollsVisibly(container)) out.problems.push(`a formula wider than its column does not scroll visibly in its box: ${describe(container)}`);
      }
      return out;
    },

    // Every static figure opens larger in the page: its image is inside the link that the book's
    // lightbox script turns into a dialog opener (the interactive figures' stills aside).
    zoomable() {
      const root = content();
      if (!root) return [];
      return [...root.querySelectorAll("figure img")]
        .filter((img) => !img.closest(".actbook-plotly-card"))
        .filter((img) => !img.closest("a.actbook-zoomable[aria-haspopup=dialog]"))
        .map((img) => `a figure that does not open in the page: ${img.getAttribute("src")}`);
    },

    // One search box: exactly one search control shown by the book's frame (outside the search
    // dialog it opens, and outside the content: the search page's own query field is content).
    searchBoxes() {
      const shown = [...document.querySelectorAll(".search-button__button, form.bd-search input, #searchbox input")]
        .filter((el) => !el.closest("dialog, article, .bd-search-container") && rendered(el) && el.checkVisibility({ checkOpacity: true }));
      return shown.length === 1 ? [] : [`${shown.length} search boxes shown: ${shown.map(describe).join("; ")}`];
    },
  };
  window.actbookChecks = checks;
})();
