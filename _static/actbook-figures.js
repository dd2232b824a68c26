// actbook: the figures of a page, for touch, mouse and keyboard alike.
// (Jupyter Book adds every .js file in _static/ to every page; _templates/layout.html defers it.)
//
// 1. A figure opens larger inside the page when it is tapped or clicked (or activated with
//    Enter): a lightbox (a modal <dialog>) that closes with a tap, Escape, or its Close button,
//    and gives the focus back to the figure. Without JavaScript the figure's link opens the PNG.
//
// 2. The interactive figures (actlib/course/plotly_render.py writes their <div>s):
//    * plotly.min.js (4.8 MB) and a figure's data are fetched only when the figure nears the
//      viewport (IntersectionObserver), and the figure is drawn there; meanwhile the notebook's
//      still image stands in for it, in a box as tall as the figure will be;
//    * a swipe that starts on a figure scrolls the page: Plotly's own touch handlers never see
//      a touch (Plotly cancels the page's scroll for its zoom, pan, slider and legend drags).
//      A tap still reaches Plotly as the mouse click the browser makes of it, and a horizontal
//      drag on a slider moves the slider (the figure's touch-action is pan-y: the browser keeps
//      vertical swipes and pinch zoom);
//    * every slider and menu of the figure has a native twin (a range input, a <select>,
//      buttons) that a keyboard and a screen reader can operate; they show as soon as one of
//      them has the focus, and follow the figure when its own controls change it;
//    * Reset puts every slider, menu and axis range back where the figure started.
(() => {
  "use strict";

  // The edition's words (a translated edition defines window.actbookText: actlib/course/i18n.py).
  const _ = (text) => (window.actbookText || {})[text] || text;

  const here = (document.currentScript && document.currentScript.src) || document.baseURI;
  const staticUrl = (path) => new URL(path, here).href;

  // ---- Lightbox -----------------------------------------------------------------------------

  const HINT_ID = "actbook-lightbox-hint";

  const figureImages = () =>
    [...document.querySelectorAll(".bd-article a.image-reference")].filter(
      (a) => a.querySelector("img") && !a.closest(".actbook-plotly, .actbook-lightbox"));

  const caption = (a) => {
    const figcaption = a.closest("figure") && a.closest("figure").querySelector("figcaption");
    if (!figcaption) return "";
    const copy = figcaption.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((e) => e.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // The size to show a figure at: as large as the screen allows (up to its PNG's own pixels),
  // and never smaller than the width it was drawn for (a phone then pans across it).
  const lightboxWidth = (img) => {
    const natural = img.naturalWidth || img.width;
    const ratio = (img.naturalHeight || img.height) / natural || 0.7;
    const designed = parseFloat(img.style.width) || natural / 2;
    const fit = Math.min(window.innerWidth - 32, (window.innerHeight - 150) / ratio);
    return Math.round(fit >= designed ? Math.min(fit, natural) : designed);
  };

  // A figure drawn twice (actlib/phone_figures.py) opens its desktop drawing, the larger one,
  // from its phone drawing too.
  const desktopTwin = (link) => {
    if (!link.querySelector("img.actbook-phone")) return link;
    const holder = link.closest("figure") || link.parentElement;
    const desktop = holder && holder.querySelector("img.actbook-desktop");
    return (desktop && desktop.closest("a")) || link;
  };

  const openLightbox = (opener) => {
    const link = desktopTwin(opener);
    const img = link.querySelector("img");
    const title = caption(link);
    const dialog = document.createElement("dialog");
    dialog.className = "actbook-lightbox";
    dialog.setAttribute("aria-label", title || img.alt || _("Figure"));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "actbook-lightbox-close";
    close.innerHTML = '<span aria-hidden="true">\u00d7</span> ';
    close.append(_("Close"));
    const frame = document.createElement("div");
    frame.className = "actbook-lightbox-frame";
    frame.tabIndex = 0;  // the arrow keys pan a figure larger than the screen
    const big = document.createElement("img");
    big.src = link.getAttribute("href") || img.currentSrc || img.src;
    big.alt = img.alt;
    big.style.width = `${lightboxWidth(img)}px`;
    frame.append(big);
    dialog.append(close, frame);
    if (title) {
      const text = document.createElement("p");
      text.className = "actbook-lightbox-caption";
      text.textContent = title;
      dialog.append(text);
    }
    // A tap or click anywhere closes it (a drag that pans a large figure is not a click).
    dialog.addEventListener("click", () => dialog.close());
    // Escape closes it wherever the focus is (Chromium's own Escape does nothing while the
    // scrolling frame has it); Tab and Shift+Tab go round its two stops (the page is inert).
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        dialog.close();
        return;
      }
      if (event.key !== "Tab") return;
      const stops = [close, frame];
      const at = stops.indexOf(document.activeElement);
      event.preventDefault();
      stops[(at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      document.documentElement.classList.remove("actbook-lightbox-open");
      opener.focus({ preventScroll: true });
    });
    document.body.append(dialog);
    document.documentElement.classList.add("actbook-lightbox-open");
    dialog.showModal();
    close.focus();
    if (window.actbookScroll) {  // (its edge fades where the figure goes on: it pans)
      big.decode().catch(() => null).then(() => window.actbookScroll.watch(frame));
    }
  };

  const setUpLightbox = () => {
    const links = figureImages();
    if (!links.length) return;
    const hint = document.createElement("span");
    hint.id = HINT_ID;
    hint.hidden = true;
    hint.textContent = _("Opens the figure larger, in the page.");
    document.body.append(hint);
    for (const link of links) {
      link.classList.add("actbook-zoomable");
      link.setAttribute("aria-haspopup", "dialog");
      link.setAttribute("aria-describedby", HINT_ID);
    }
    document.addEventListener("click", (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
          event.shiftKey || event.altKey) return;  // (a new tab or window: the PNG, as before)
      const link = event.target.closest && event.target.closest("a.actbook-zoomable");
      if (!link) return;
      event.preventDefault();
      openLightbox(link);
    });
  };

  // ---- Interactive figures ------------------------------------------------------------------

  const loading = new Map();
  const loadScript = (src) => {
    if (!loading.has(src)) {
      loading.set(src, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`${src} did not load`));
        document.head.append(script);
      }));
    }
    return loading.get(src);
  };

  const clone = (value) => (typeof structuredClone === "function" ? structuredClone(value)
    : JSON.parse(JSON.stringify(value)));

  // The figure's data: in a file of its own (plotly_render moves it there), else inline.
  const specOf = async (gd) => {
    const sha = gd.dataset.spec;
    const inline = document.querySelector(`script.actbook-plotly-spec[data-sha="${sha}"]`);
    if (inline) return JSON.parse(inline.textContent);
    await loadScript(staticUrl(`actbook-plotly/${sha}.js`));
    const spec = (window.actbookPlotlySpecs || {})[sha];
    if (!spec) throw new Error(`no data for the figure ${gd.id}`);
    return spec;
  };

  // The figure's parts around its <div> (see plotly_render.figure_html): its card, then its
  // tools, its data and its <noscript> still.
  const partsOf = (gd) => {
    const card = gd.closest(".actbook-plotly-card") || gd;
    const parent = card.parentElement;
    return { tools: parent.querySelector(":scope > .actbook-plotly-tools"),
             noscript: parent.querySelector(":scope > noscript") };
  };

  // The notebook's still image (in the figure's <noscript>), shown while plotly.js loads.
  const showStill = (gd) => {
    const { noscript } = partsOf(gd);
    if (!noscript || gd.querySelector(".actbook-plotly-still")) return;
    const template = document.createElement("template");
    template.innerHTML = noscript.textContent;
    const narrow = window.matchMedia("(max-width: 599.98px)").matches;  // (as actbook.css)
    const still = template.content.querySelector(narrow ? "img.actbook-phone" : "img.actbook-desktop")
      || template.content.querySelector("img");
    if (!still) return;
    still.className = "actbook-plotly-still";
    still.setAttribute("aria-hidden", "true");  // (the figure's group is named by the same text)
    gd.append(still);
  };

  // The commands a slider step or a menu button may run (Plotly's "skip" runs none).
  const COMMANDS = new Set(["restyle", "relayout", "update", "animate"]);

  const label = (kind, opts, index) => {
    if (opts.name) return opts.name;
    if (kind === "slider") {
      const prefix = ((opts.currentvalue || {}).prefix || "").replace(/[\s=:]+$/, "").trim();
      return prefix || `${_("Slider")} ${index + 1}`;
    }
    return kind === "menu" ? _("Choose") : _("View");
  };

  // The native controls of one figure, kept in step with its layout.
  class Controls {
    constructor(gd) {
      this.gd = gd;
      this.tools = partsOf(gd).tools;
      this.keys = this.tools.querySelector(".actbook-plotly-keys");
      this.reset = this.tools.querySelector(".actbook-plotly-reset");
      this.controls = new Map();  // "slider:0" -> {kind, index, element, input}
      this.queue = Promise.resolve();
      this.pending = false;
      this.reset.addEventListener("click", () => this.run(() => this.redraw()));
      this.tools.hidden = false;
    }

    listen() {
      const later = () => this.later();
      for (const event of ["plotly_afterplot", "plotly_relayout", "plotly_restyle", "plotly_update",
                           "plotly_sliderchange", "plotly_buttonclicked", "plotly_redraw"]) {
        this.gd.on(event, later);
      }
      this.sync();
    }

    later() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.sync(); });
    }

    run(task) {
      this.queue = this.queue.then(task).catch((error) => console.warn("actbook figure:", error));
      return this.queue;
    }

    async redraw() {
      const spec = clone(this.gd._actbookSpec);
      await window.Plotly.newPlot(this.gd, spec.data, spec.layout, spec.config);
      this.listen();  // (newPlot drops the figure's event listeners)
    }

    // Do what the figure's own control does: set its active step, then run the step's command.
    choose(kind, index, step) {
      return this.run(async () => {
        const key = kind === "slider" ? "sliders" : "updatemenus";
        const opts = (this.gd.layout[key] || [])[index];
        const item = opts && (kind === "slider" ? opts.steps : opts.buttons)[step];
        if (!item) return;
        await window.Plotly.relayout(this.gd, { [`${key}[${index}].active`]: step });
        if (COMMANDS.has(item.method) && item.execute !== false) {
          // what Plotly's own slider or menu does (its executeAPICommand is not public)
          await window.Plotly[item.method](this.gd, ...(item.args || []));
        }
        this.sync();
      });
    }

    // The figure's menus, then its sliders: the order Plotly places them in unless told
    // otherwise (menus on top, sliders below), and the book's figures keep.
    items() {
      const layout = this.gd.layout || {};
      const out = [];
      (layout.updatemenus || []).forEach((opts, index) => {
        if (opts.visible !== false && (opts.buttons || []).length) {
          out.push({ kind: opts.type === "buttons" ? "buttons" : "menu", index, opts });
        }
      });
      (layout.sliders || []).forEach((opts, index) => {
        if (opts.visible !== false && (opts.steps || []).length) out.push({ kind: "slider", index, opts });
      });
      return out;
    }

    make(kind, index, opts) {
      const name = label(kind, opts, index);
      let element, input;
      if (kind === "slider") {
        element = document.createElement("label");
        element.className = "actbook-plotly-slider";
        input = document.createElement("input");
        input.type = "range";
        input.min = "0";
        input.step = "1";
        input.addEventListener("input", () => this.choose("slider", index, Number(input.value)));
        const output = document.createElement("output");
        element.append(Object.assign(document.createElement("span"), { textContent: name }), input, output);
      } else if (kind === "menu") {
        element = document.createElement("label");
        element.className = "actbook-plotly-menu";
        input = document.createElement("select");
        input.addEventListener("change", () => this.choose("menu", index, Number(input.value)));
        element.append(Object.assign(document.createElement("span"), { textContent: name }), input);
      } else {
        element = document.createElement("div");
        element.className = "actbook-plotly-buttons";
        element.setAttribute("role", "group");
        element.setAttribute("aria-label", name);
        input = element;
      }
      return { kind, index, element, input, labels: "" };
    }

    // Bring the controls in line with the layout: the same elements where they still fit
    // (the focus stays where it was), new ones where a menu has changed the sliders.
    sync() {
      const keep = new Set();
      let previous = null;
      for (const { kind, index, opts } of this.items()) {
        const key = `${kind}:${index}`;
        keep.add(key);
        let control = this.controls.get(key);
        if (!control) {
          control = this.make(kind, index, opts);
          this.controls.set(key, control);
        }
        this.update(control, opts);
        const place = previous ? previous.nextSibling : this.keys.firstChild;
        if (control.element !== place) this.keys.insertBefore(control.element, place);
        previous = control.element;
      }
      for (const [key, control] of this.controls) {
        if (!keep.has(key)) {
          control.element.remove();
          this.controls.delete(key);
        }
      }
    }

    update(control, opts) {
      const entries = control.kind === "slider" ? opts.steps : opts.buttons;
      const labels = entries.map((e) => String(e.label ?? ""));
      const active = Number.isInteger(opts.active) ? opts.active : (control.kind === "buttons" ? -1 : 0);
      const name = label(control.kind, opts, control.index);
      const changed = labels.join("\u0000") !== control.labels;
      control.labels = labels.join("\u0000");
      if (control.kind === "slider") {
        const input = control.input;
        if (changed) input.max = String(labels.length - 1);
        if (Number(input.value) !== active) input.value = String(Math.max(active, 0));
        const text = `${name} = ${labels[active] ?? ""}`;
        input.setAttribute("aria-valuetext", text);
        control.element.querySelector("output").textContent = labels[active] ?? "";
      } else if (control.kind === "menu") {
        if (changed) {
          control.input.replaceChildren(...labels.map((text, k) =>
            Object.assign(document.createElement("option"), { value: String(k), textContent: text })));
        }
        if (control.input.value !== String(active)) control.input.value = String(active);
      } else {
        if (changed) {
          control.input.replaceChildren(...labels.map((text, k) => {
            const button = Object.assign(document.createElement("button"), { type: "button", textContent: text });
            button.addEventListener("click", () => this.choose("buttons", control.index, k));
            return button;
          }));
        }
        [...control.input.children].forEach((button, k) => button.setAttribute("aria-pressed", String(k === active)));
      }
    }

    // A horizontal drag that starts on one of Plotly's sliders moves it (to the nearest step).
    slideTo(group, x) {
      const data = group.__data__ || {};
      const index = Number.isInteger(data._index) ? data._index
        : [...this.gd.querySelectorAll(".slider-group")].indexOf(group);
      const ticks = [...group.querySelectorAll("rect.slider-tick-rect")];
      if (index < 0 || !ticks.length) return;
      let best = 0, distance = Infinity;
      ticks.forEach((tick, k) => {
        const r = tick.getBoundingClientRect();
        const d = Math.abs(r.left + r.width / 2 - x);
        if (d < distance) { distance = d; best = k; }
      });
      const step = data._visibleSteps && data._visibleSteps[best] ? data._visibleSteps[best]._index : best;
      const slider = (this.gd.layout.sliders || [])[index];
      if (slider && step !== (slider.active || 0) && step !== this.lastStep) {
        this.lastStep = step;
        this.choose("slider", index, step).then(() => { this.lastStep = undefined; });
      }
    }
  }

  // Touches never reach Plotly's own handlers, which would cancel the page's scroll.
  const shieldTouches = (gd, controls) => {
    let drag = null;
    const options = { capture: true, passive: true };
    gd.addEventListener("touchstart", (event) => {
      event.stopPropagation();
      const group = event.touches.length === 1 && event.target.closest && event.target.closest(".slider-group");
      drag = group ? { group, x: event.touches[0].clientX, y: event.touches[0].clientY, along: null } : null;
    }, options);
    gd.addEventListener("touchmove", (event) => {
      event.stopPropagation();
      if (!drag) return;
      const touch = event.touches[0];
      const dx = touch.clientX - drag.x, dy = touch.clientY - drag.y;
      if (drag.along === null && Math.hypot(dx, dy) > 8) drag.along = Math.abs(dx) > Math.abs(dy);
      if (drag.along) controls.slideTo(drag.group, touch.clientX);
    }, options);
    for (const type of ["touchend", "touchcancel"]) {
      gd.addEventListener(type, (event) => { event.stopPropagation(); drag = null; }, options);
    }
  };

  const draw = async (gd) => {
    if (gd.dataset.state) return gd._actbookDrawn;
    gd.dataset.state = "loading";
    const status = gd.querySelector(".actbook-plotly-status");
    if (status) status.textContent = _("Loading the interactive figure\u2026");
    showStill(gd);
    gd._actbookDrawn = (async () => {
      try {
        const [spec] = await Promise.all([specOf(gd), loadScript(staticUrl("plotly.min.js"))]);
        gd._actbookSpec = spec;
        const copy = clone(spec);
        gd.replaceChildren();
        await window.Plotly.newPlot(gd, copy.data, copy.layout, copy.config);
        const controls = new Controls(gd);
        controls.listen();
        shieldTouches(gd, controls);
        gd.dataset.state = "drawn";
      } catch (error) {
        gd.dataset.state = "failed";
        if (status) status.textContent = `${_("The interactive figure could not be drawn")} (${error.message}).`;
        console.warn("actbook figure:", error);
      }
    })();
    return gd._actbookDrawn;
  };

  const setUpFigures = () => {
    const figures = [...document.querySelectorAll("div.actbook-plotly[data-spec]")];
    if (!figures.length) return;
    if ("IntersectionObserver" in window) {
      // one screen ahead: plotly.js takes a while on a slow connection
      const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            draw(entry.target);
          }
        }
      }, { rootMargin: "100% 0px" });
      figures.forEach((figure) => observer.observe(figure));
    } else {
      figures.forEach(draw);
    }
  };

  // For the browser test (and anyone else): draw every figure now, and wait for them.
  window.actbookFigures = {
    drawAll: () => Promise.all([...document.querySelectorAll("div.actbook-plotly[data-spec]")].map(draw)),
  };

  const start = () => { setUpLightbox(); setUpFigures(); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
