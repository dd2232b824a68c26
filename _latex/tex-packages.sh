#!/usr/bin/env bash
# The Debian packages `make pdf` needs, found or installed the way the browser test installs
# Chromium (tests/browser/run.sh): in CI (CI set) as root they are installed with apt-get;
# anywhere else a message names them.
#
# Usage: _latex/tex-packages.sh [--or-skip]
#   exit 0  everything is there (or was just installed);
#   exit 1  something is missing: the message says what to install;
#   exit 3  with --or-skip, instead of 1 (make test then skips the PDF, with the message).
#
# The set (measured on Debian 12, 2026-12-06: 31 packages, a 119 MB download; TeX Live alone
# is most of it):
#   texlive-xetex              xelatex, with the LaTeX packages Sphinx and jupyter-book load
#                              (it brings texlive-latex-extra); not texlive-fonts-extra (509 MB),
#                              whose only use here would be bbm.sty: _latex/bbm.sty stands in
#   texlive-fonts-recommended  pzdr.tfm, which hyperref loads under xelatex
#   latexmk                    runs xelatex until the cross-references settle
#   fonts-freefont-otf         FreeSerif, FreeSans, FreeMono: Sphinx's fonts for xelatex; they
#                              have the book's Greek, arrows, superscripts and box drawing
#   fonts-ipaexfont-mincho     the Japanese titles on the Sources page (4.6 MB; Noto CJK is 56.5)
#   poppler-utils              pdftotext and pdffonts for tests/test_pdf.py, pdftoppm to look
set -uo pipefail
PACKAGES=(texlive-xetex texlive-fonts-recommended latexmk fonts-freefont-otf fonts-ipaexfont-mincho poppler-utils)

missing() {
    if command -v dpkg-query >/dev/null; then
        local p
        for p in "${PACKAGES[@]}"; do
            dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
        done
        return
    fi
    # not Debian: look for what the packages provide
    local c
    for c in xelatex latexmk pdftotext pdffonts; do command -v "$c" >/dev/null || echo "$c"; done
    command -v kpsewhich >/dev/null && [ -n "$(kpsewhich pzdr.tfm)" ] || echo "pzdr.tfm"
    if command -v fc-list >/dev/null; then
        fc-list : family | grep -q FreeSerif || echo "FreeSerif"
        fc-list : family | grep -q IPAexMincho || echo "IPAexMincho"
    fi
}

need="$(missing | tr '\n' ' ')"
[ -z "$need" ] && exit 0
if [ -n "${CI:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "make pdf: installing Debian's ${PACKAGES[*]} (CI, as root) ..."
    # (waiting for dpkg's lock: the browser test may be installing Chromium in the other lane)
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${PACKAGES[@]}" >/dev/null
    need="$(missing | tr '\n' ' ')"
    [ -z "$need" ] && exit 0
    echo "make pdf: still missing after apt-get install: $need" >&2
    exit 1
fi
if [ "${1:-}" = "--or-skip" ]; then
    echo "PDF test skipped: missing $need"
else
    echo "make pdf: missing $need" >&2
fi
echo "  The PDF needs XeLaTeX and latexmk (TeX Live), the FreeFont and IPAex Mincho fonts, and"
echo "  poppler's tools. On Debian or Ubuntu (a 119 MB download):"
echo "    sudo apt-get install --no-install-recommends ${PACKAGES[*]}"
echo "  then 'make pdf'. (In CI, with CI set and as root, make installs them itself.)"
[ "${1:-}" = "--or-skip" ] && exit 3
exit 1
