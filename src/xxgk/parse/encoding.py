"""Bytes to text: the encoding is detected, never assumed.

Order: byte-order marks, then strict UTF-8, then the NUL pattern of BOM-less UTF-16, then
UTF-8 with a few damaged bytes, then strict GB18030 (which covers GBK and GB2312), and
charset-normalizer only as the last resort.
Anything that is not text (NUL bytes, mostly control characters) is refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from xxgk.errors import InputError
from xxgk.limits import check

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    """The text, the encoding used, and whether that encoding was a guess."""

    text: str
    encoding: str
    guessed: bool = False


def bytes_to_text(data: bytes, source: str | None = None) -> Decoded:
    """Decode ``data``; raise ``InputError`` for empty, binary or undecodable input."""
    if not data.strip():
        raise InputError("文件为空", "the file is empty", path=source)
    # a character takes at most 4 bytes in any encoding read here: refuse before decoding
    check("text_chars", len(data) // 4, path=source)
    decoded = _decode(data, source)
    check("text_chars", len(decoded.text), path=source)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("文件为空", "the file is empty", path=source)
    if decoded.encoding == "utf-8" and not decoded.guessed:  # the usual file
        # in UTF-8 a control character is its own byte: counted on the bytes, in C
        _refuse_control_bytes(data, len(text), source)
    else:
        _refuse_binary(text, source)
    return Decoded(text, decoded.encoding, decoded.guessed)


def _decode(data: bytes, source: str | None) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, source, guessed=False)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_by_nuls(data)
    if utf16:
        return _strict(data, utf16, source, guessed=True)
    if b"\x00" in data:
        raise _binary(source)
    damaged = _nearly_utf8(data)
    if damaged is not None:
        return damaged
    try:
        return Decoded(data.decode("gb18030"), "gb18030", guessed=True)
    except UnicodeDecodeError:
        pass
    return _charset_normalizer(data, source)


def _nearly_utf8(data: bytes) -> Decoded | None:
    """Return UTF-8 text with a few damaged bytes replaced (a file cut mid-character).

    A GBK file read as UTF-8 gives a replacement character for nearly every Chinese
    character, so only a handful of them (at most 3, or one per thousand bytes) is accepted.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    if bad <= max(3, len(data) // 1000):
        return Decoded(text, "utf-8（含无法解码的字节）", guessed=True)
    return None


def _strict(data: bytes, encoding: str, source: str | None, *, guessed: bool) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding, guessed)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"文件无法按{encoding}编码解码（第{exc.start}字节）",
            f"the file cannot be decoded as {encoding} (byte {exc.start})",
            path=source,
        ) from None


def _utf16_by_nuls(data: bytes) -> str | None:
    """Return the UTF-16 byte order under which ``data`` reads as plausible text, or None.

    Only tried when the bytes contain NULs (every ASCII character in UTF-16 has one). A
    binary file may decode too, but then mostly to unassigned, private or control code
    points, which the plausibility score refuses.
    """
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score >= 0.9 else None


def _plausibility(text: str) -> float:
    """Return the share of characters that ordinary Chinese report text is made of."""
    good = sum(
        1
        for ch in text
        if ch in "\t\n\r"
        or " " <= ch <= "~"
        or "\u3000" <= ch <= "\u303f"
        or "\u4e00" <= ch <= "\u9fff"
        or "\uff00" <= ch <= "\uffef"
        or "\u2010" <= ch <= "\u201f"
    )
    return good / max(1, len(text))


def _charset_normalizer(data: bytes, source: str | None) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            "无法识别文件的文字编码", "the text encoding cannot be recognised", path=source
        )
    return Decoded(str(best), best.encoding, guessed=True)


def _binary(source: str | None) -> InputError:
    return InputError(
        "文件不是文本（含有二进制内容）", "the file is not text (binary content)", path=source
    )


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20))


def _refuse_control_bytes(data: bytes, chars: int, source: str | None) -> None:
    """``_refuse_binary`` of strict UTF-8 ``data`` decoded to ``chars`` characters."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if b"\x00" in data or controls > max(3, chars // 20):
        raise _binary(source)


def _refuse_binary(text: str, source: str | None) -> None:
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls > max(3, len(text) // 20):
        raise _binary(source)
