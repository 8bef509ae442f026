#!/usr/bin/env bash
# Install the system tools xxgk's formats need: LibreOffice headless (DOCX -> PDF; .doc/.xls ->
# .docx/.xlsx for reading), poppler's
# pdftoppm (PDF -> PNG checks), CJK fonts with 仿宋/宋体/黑体-like faces, and the libGL/GLib
# that OpenCV (the ocr extra) loads.
# Idempotent: installs only what is missing. Never fails the build: without apt (or without
# root) it says so in one line and exits 0; the PDF tests then skip with a visible reason.
set -u

say() { printf 'setup-system: %s\n' "$*"; }
# shellcheck source=apt-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-common.sh"

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-core-nogui)
# Calc converts legacy .xls workbooks to .xlsx for reading
[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if ! fc-list :lang=zh 2>/dev/null | grep -qi 'noto'; then
    missing+=(fonts-noto-cjk)
fi
if ! fc-list 2>/dev/null | grep -qi 'ukai\|uming'; then
    missing+=(fonts-arphic-ukai fonts-arphic-uming)
fi
if ! fc-list 2>/dev/null | grep -qi 'zenhei'; then
    missing+=(fonts-wqy-zenhei)
fi
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
# OpenCV's wheel (rapidocr's dependency) links libGL and GLib
ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || missing+=(libgl1)
ldconfig -p 2>/dev/null | grep -q 'libglib-2.0.so.0' || missing+=(libglib2.0-0)

if [ ${#missing[@]} -eq 0 ]; then
    say "LibreOffice, pdftoppm and CJK fonts are present"
    exit 0
fi
apt_ready "${missing[*]}" "PDF rendering and PDF tests will be skipped" || exit 0
# The -nogui variants exist on Debian 12+; fall back to the classic package names.
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    fallback=()
    for p in "${missing[@]}"; do
        case "$p" in
            libreoffice-writer-nogui) fallback+=(libreoffice-writer) ;;
            libreoffice-calc-nogui) fallback+=(libreoffice-calc) ;;
            libreoffice-core-nogui) ;;
            *) fallback+=("$p") ;;
        esac
    done
    if ! $SUDO apt-get install -y -qq --no-install-recommends "${fallback[@]}" >/dev/null 2>&1; then
        say "apt-get install failed for ${fallback[*]}; PDF rendering and PDF tests will be skipped"
        exit 0
    fi
fi
command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1
say "done"
exit 0
