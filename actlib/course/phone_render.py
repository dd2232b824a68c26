"""The phone versions of the book's figures in HTML (see :mod:`actlib.phone_figures`).

Two parts, both registered by ``pyproject.toml`` and ``_config.yml``:

* :class:`PhoneFigureRenderer`, a myst-nb mime-renderer plugin: a figure output whose
  ``image/png`` metadata holds a phone version becomes two images, the desktop PNG (class
  ``actbook-desktop``) and the phone PNG (class ``actbook-phone``), both loaded lazily. The
  book's style sheet shows one of them: the phone PNG below 600 px of screen width, the
  desktop PNG above, and a lazily loaded image that is not shown is never fetched. Each image
  also carries the size of its smallest text (class ``actbook-text-pt-<tenths of a point>``),
  which the browser test turns into CSS px on the page;
* :func:`setup`, a Sphinx extension whose post-transform drops the phone images from every
  build that is not HTML (the PDF prints the desktop figure).

Figures without a phone version (made before it existed, or outside the book's style) render
as myst-nb renders any PNG.
"""

from __future__ import annotations

import base64
import hashlib

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..phone_figures import METADATA_KEY

DESKTOP_CLASS, PHONE_CLASS = "actbook-desktop", "actbook-phone"
TEXT_CLASS_PREFIX = "actbook-text-pt-"


def text_class(points: float) -> str:
    """The class that records a figure's smallest text, e.g. ``actbook-text-pt-95`` for 9.5 pt."""
    return f"{TEXT_CLASS_PREFIX}{round(10 * float(points))}"


class PhoneFigureRenderer:
    """myst-nb plugin: a PNG output with a phone version becomes the desktop and the phone image."""

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != "image/png":
            return None
        phone = data.output_metadata.get("image/png", {}).get(METADATA_KEY)
        if not phone:
            return None
        (desktop,) = renderer.render_image(data)
        png = base64.b64decode(phone["phone_png"])
        uri = renderer.write_file([f"{hashlib.sha256(png).hexdigest()}.png"], png, overwrite=False, exists_ok=True)
        small = nodes.image(uri=uri, width=str(phone["phone_width"]), height=str(phone["phone_height"]))
        if "alt" in desktop:
            small["alt"] = desktop["alt"]
        desktop["classes"] += [DESKTOP_CLASS, text_class(phone["min_text_pt"])]
        small["classes"] += [PHONE_CLASS, text_class(phone["phone_min_text_pt"])]
        desktop["loading"] = small["loading"] = "lazy"
        return [desktop, small]


class DropPhoneFiguresOutsideHtml(SphinxPostTransform):
    """Outside HTML (the PDF) a figure is printed once: its desktop version."""

    default_priority = 100

    def run(self, **kwargs) -> None:
        if self.app.builder.format == "html":
            return
        for image in list(self.document.findall(nodes.image)):
            if PHONE_CLASS in image["classes"]:
                image.parent.remove(image)


def setup(app):
    app.add_post_transform(DropPhoneFiguresOutsideHtml)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
