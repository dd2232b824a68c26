// actbook: a click anywhere on a solution's title bar opens (or closes) the solution.
//
// sphinx-togglebutton makes a dropdown admonition's title clickable, but its handler only
// knows clicks on the title itself, its button and the button's chevron: a click on anything
// inside the title (a formula, inline code, the chevron's <path>) logs "Couldn't find button"
// and throws. So clicks inside a title are sent on as a click on the title itself.
// (Jupyter Book adds every .js file in _static/ to every page.)
document.addEventListener(
  "click",
  (event) => {
    const title = event.target.closest && event.target.closest(".toggle > .admonition-title");
    if (!title || event.target === title || event.target.classList.contains("toggle-button")) return;
    event.preventDefault();
    event.stopPropagation();
    title.click();
  },
  true,
);
