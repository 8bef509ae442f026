"""Helpers every format reader shares, below the readers so that none reads through another.

``clean_text`` folds the spaces that web pages, Word and Excel put in cells; ``zip_has_part``
tells an Office package by the part it holds.
"""

from __future__ import annotations

import io
import re
import zipfile

_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")


def clean_text(text: str) -> str:
    """Return text with ``&nbsp;``, full-width and zero-width spaces folded and trimmed."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # the common case, without a regex
    return _SPACES.sub(" ", text).strip()


def zip_has_part(data: bytes, part: str) -> bool:
    """Return True when ``data`` is a ZIP package holding ``part``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return part in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
