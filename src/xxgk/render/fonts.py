"""Fonts of a government document, and the faces that stand in for them on this machine.

Reports are set in 方正小标宋简体 (title), 黑体 (headings) and 仿宋_GB2312 (body). Those names
go into the DOCX as ``w:eastAsia`` fonts, with ``w:altName`` fallbacks Word uses when a face is
missing. LibreOffice on a server rarely has them, so the PDF path asks fontconfig which
installed face is closest (Noto CJK, AR PL, WenQuanYi) and writes that name instead.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class FontSet:
    """The east-Asian faces of the title, the headings, the body text and the tables."""

    title: str = "方正小标宋简体"
    heading: str = "黑体"
    body: str = "仿宋_GB2312"
    table: str = "仿宋_GB2312"
    latin: str = "Times New Roman"


OFFICIAL_FONTS = FontSet()

ALT_NAMES: dict[str, str] = {
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
    "仿宋_GB2312": "仿宋",
    "仿宋": "FangSong",
    "宋体": "SimSun",
}
"""Fallback faces written to ``fontTable.xml`` (Word substitutes them for a missing face)."""

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": (
        "方正小标宋简体",
        "FZXiaoBiaoSong-B05S",
        "Noto Serif CJK SC",
        "AR PL UMing CN",
        "Noto Sans CJK SC",
        "WenQuanYi Zen Hei",
    ),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC"),
    "body": (
        "仿宋_GB2312",
        "仿宋",
        "FangSong",
        "AR PL UKai CN",
        "Noto Serif CJK SC",
        "AR PL UMing CN",
        "WenQuanYi Zen Hei",
    ),
}


@functools.cache
def installed_families() -> frozenset[str]:
    """Return the font family names fontconfig knows (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def _pick(role: str, installed: frozenset[str]) -> str:
    for name in _CANDIDATES[role]:
        if name in installed:
            return name
    return _CANDIDATES[role][0]


@functools.cache
def machine_fonts() -> FontSet:
    """Return the official faces where installed, else the closest installed CJK faces."""
    installed = installed_families()
    body = _pick("body", installed)
    return FontSet(_pick("title", installed), _pick("heading", installed), body, body)
