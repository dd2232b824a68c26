// actbook: a box whose content is wider than the column scrolls sideways inside itself, and
// shows that it does: its edge fades out on the side where more is hidden (actbook.css draws
// the fade from data-actbook-scroll = "start" | "middle" | "end"). A phone hides scroll bars
// until one scrolls, so without the fade a cut-off formula or table looks complete.
//
// The boxes: printed outputs (which keep their columns: white-space: pre), code, display
// formulas (once MathJax has typeset them), tables and HTML outputs. A box that scrolls can
// also be scrolled from the keyboard (it takes the focus: tabindex="0").
// (Jupyter Book adds every .js file in _static/ to every page; _templates/layout.html defers it.)
(() => {
  "use strict";

  const BOXES = [
    ".bd-article div.cell_output .output pre",
    ".bd-article div.cell_output .output.text_html",
    ".bd-article div.highlight pre",
    ".bd-article div.math mjx-container[display='true']",
    ".bd-article mjx-container[display='true']",
    ".bd-article .pst-scrollable-table-container",
    ".bd-article .table-wrapper",
  ].join(", ");

  const watched = new WeakSet();

  const update = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    if (hidden <= 1) {
      if (box.dataset.actbookScroll) {
        delete box.dataset.actbookScroll;
        if (box.dataset.actbookFocusable) {
          box.removeAttribute("tabindex");
          delete box.dataset.actbookFocusable;
        }
      }
      return;
    }
    const left = Math.abs(box.scrollLeft);
    box.dataset.actbookScroll = left <= 1 ? "start" : left >= hidden - 1 ? "end" : "middle";
    if (!box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.dataset.actbookFocusable = "1";
    }
  };

  const resize = "ResizeObserver" in window ? new ResizeObserver((entries) => {
    for (const entry of entries) update(entry.target);
  }) : null;

  const watch = (box) => {
    if (!watched.has(box)) {
      watched.add(box);
      box.addEventListener("scroll", () => update(box), { passive: true });
      if (resize) resize.observe(box);
    }
    update(box);
  };

  const scan = () => document.querySelectorAll(BOXES).forEach(watch);

  // scan: look again now (the browser test, after the page's formulas were typeset);
  // watch: one more box (actbook-figures.js: the lightbox's frame, where a figure pans).
  window.actbookScroll = { scan, watch };

  const start = () => {
    scan();
    // Display formulas exist once MathJax has typeset them (MathJax loads deferred, before this).
    const mathjax = window.MathJax && window.MathJax.startup && window.MathJax.startup.promise;
    if (mathjax) mathjax.then(scan);
    window.addEventListener("load", scan);
    window.addEventListener("resize", scan, { passive: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
