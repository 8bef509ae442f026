"""Hostile files, built small: each is over one budget of ``xxgk.limits`` (with the small
budgets the tests set), or would be over the default budgets at the sizes the benchmark
(``benchmarks/hostile_files.py``) asks for."""

from __future__ import annotations

import io
import zipfile
import zlib

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def docx_bomb(inflated_bytes: int) -> bytes:
    """A DOCX whose document.xml inflates to ``inflated_bytes`` (mostly one long run of
    spaces: a few KB on disk)."""
    head = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    body = b" " * max(0, inflated_bytes - len(head) - len(tail))
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": head + body + tail})


def docx_text(paragraphs: list[str]) -> bytes:
    """A small valid DOCX with these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml.encode()})


def deep_docx(depth: int) -> bytes:
    """A DOCX nested ``depth`` content controls deep."""
    opened = "<w:sdt><w:sdtContent>" * depth
    closed = "</w:sdtContent></w:sdt>" * depth
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{opened}<w:p/>{closed}</w:body></w:document>'
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml.encode()})


def far_cell_xlsx(rows: int = 1, far: str = "XFD1048576", columns: int = 1) -> bytes:
    """A workbook with ``rows`` rows of ``columns`` cells and one more cell at ``far``: with
    the default, the declared range is 17 billion cells, the file a few KB."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for r in range(1, rows + 1):
        for c in range(1, columns + 1):
            sheet.cell(row=r, column=c, value=f"第{r}行" if c == 1 else c)
    sheet[far] = "远处的单元格"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def merged_xlsx(ref: str = "A1:XFD1048576") -> bytes:
    """A workbook with one merged range ``ref`` (openpyxl makes an object per merged cell)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "合并"
    buffer = io.BytesIO()
    book.save(buffer)
    members = {}
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        for name in package.namelist():
            members[name] = package.read(name)
    sheet_xml = members["xl/worksheets/sheet1.xml"]
    merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    members["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        b"</sheetData>", b"</sheetData>" + merge
    )
    return zip_of(members)


def xlsx_bomb(inflated_bytes: int) -> bytes:
    """A workbook whose sheet XML inflates to ``inflated_bytes`` (whitespace in the sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        members = {name: package.read(name) for name in package.namelist()}
    sheet_xml = members["xl/worksheets/sheet1.xml"]
    padding = b" " * max(0, inflated_bytes - len(sheet_xml))
    members["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        b"<sheetData>", b"<sheetData>" + padding
    )
    return zip_of(members)


def pdf_of(pages: list[bytes]) -> bytes:
    """A PDF with one page per content stream (streams given raw, Flate-compressed here),
    written with a correct cross-reference table."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages (filled below)
    kids = []
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for content in pages:
        packed = zlib.compress(content, 9)
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream"
        )
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_id, font)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def text_page(lines: list[str]) -> bytes:
    """A content stream printing ASCII ``lines`` down the page."""
    ops = [b"BT /F1 12 Tf 72 800 Td 14 TL"]
    for line in lines:
        ops.append(b"(" + line.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def many_page_pdf(pages: int) -> bytes:
    return pdf_of([text_page([f"page {n}"]) for n in range(1, pages + 1)])


def pdf_flate_bomb(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_bytes`` (comment bytes)."""
    content = text_page(["bomb"]) + b"\n%" + b" " * inflated_bytes
    return pdf_of([content])


def huge_text(chars: int) -> bytes:
    line = "本年度共收到政府信息公开申请。\n"
    return (line * (chars // len(line) + 1)).encode("utf-8")


def deep_html(depth: int) -> bytes:
    return (
        b"<html><body>" + b"<div>" * depth + "文字".encode() + b"</div>" * depth + b"</body></html>"
    )


def legacy_doc() -> bytes:
    """The start of a legacy Word binary file (OLE2 with a WordDocument stream name)."""
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return magic + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 2048


NESTED_LOOPS = b"{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


def nested_loop_template(kind: str = "receipt") -> bytes:
    """The shipped letter template of ``kind`` whose 文号 field is two nested loops of 100,000
    (each within the sandbox's range cap): hours of rendering, no output, no memory."""
    from xxgk.render.letters import default_template

    source = zipfile.ZipFile(io.BytesIO(default_template(kind)))
    members = {item.filename: source.read(item) for item in source.infolist()}
    document = members["word/document.xml"]
    assert b"{{ number }}" in document
    members["word/document.xml"] = document.replace(b"{{ number }}", NESTED_LOOPS)
    return zip_of(members)
