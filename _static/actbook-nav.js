// actbook: the sidebar's section toggles get an accessible name.
//
// The theme shows a chapter's section pages (chapter 3's "Gated units") under a
// <details><summary> whose only content is a chevron icon, so a screen reader reads an unnamed
// control (axe: summary-name). Each toggle is named after its chapter.
// (Jupyter Book adds every .js file in _static/ to every page.)
const actbookNameToggles = () => {
  // The edition's words (a translated edition defines window.actbookText: actlib/course/i18n.py).
  const _ = (text) => (window.actbookText || {})[text] || text;
  document.querySelectorAll(".bd-sidebar li.has-children > details > summary").forEach((summary) => {
    if (summary.getAttribute("aria-label")) return;
    const link = summary.closest("li").querySelector(":scope > a");
    const chapter = link ? link.textContent.replace(/\s+/g, " ").trim() : _("this chapter");
    summary.setAttribute("aria-label", _("Sections of {chapter}").replace("{chapter}", chapter));
  });
};
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", actbookNameToggles);
else actbookNameToggles();
