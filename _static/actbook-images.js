// actbook: a figure keeps its place on the page before it has loaded.
//
// Docutils writes a figure's size as a style ("width: 390px; height: 722px"), and actbook.css
// lets the width shrink to a phone's column with "height: auto", so an image that has not
// loaded yet (figures load lazily: actlib/course/phone_render.py) has no height at all and the
// page jumps when it arrives. Its aspect ratio, set from the same two numbers, gives it its
// height at once. (Jupyter Book adds every .js file in _static/ to every page.)
(() => {
  "use strict";

  const SIZE = /width:\s*([\d.]+)px;\s*height:\s*([\d.]+)px/;

  const reserve = () => {
    for (const img of document.querySelectorAll(".bd-article img[style]")) {
      const size = SIZE.exec(img.getAttribute("style"));
      if (size && Number(size[1]) > 0 && Number(size[2]) > 0) img.style.aspectRatio = `${size[1]} / ${size[2]}`;
    }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reserve);
  else reserve();
})();
