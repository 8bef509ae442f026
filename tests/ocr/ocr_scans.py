"""Scanned and photographed reports made from the project's own rendered reports.

A fictional report (``xxgk.synth``) is rendered to PDF (DOCX through LibreOffice), its pages
are rasterised with pypdfium2 and turned into what officers receive: an image-only PDF (a
scan), photographed pages (turned by under a degree, unevenly lit, noisy, JPEG-compressed),
a text PDF with only its table pages rasterised, and page images. The source report is the
golden result: every value read back must equal it or be flagged.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from xxgk.model.report import Report
from xxgk.synth import random_report

SEED = 20241


def source_report(seed: int = SEED) -> Report:
    """Return the fictional report the scans are made of (the golden values)."""
    return random_report(random.Random(seed))


def render_source(report: Report) -> bytes:
    from xxgk.render.pdf import render_pdf

    return render_pdf(report)


def page_images(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Return the pages of ``pdf`` as grey images at ``dpi``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[n].render(scale=dpi / 72).to_pil().convert("L") for n in range(len(doc))]
    finally:
        doc.close()


def image_pdf(pages: list[Image.Image], dpi: int, quality: int = 80) -> bytes:
    """Return an image-only PDF (JPEG pages, no text layer): what a scanner writes."""
    out = io.BytesIO()
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=rgb[1:], quality=quality)
    return out.getvalue()


def photograph(page: Image.Image, angle: float, seed: int, quality: int = 70) -> Image.Image:
    """Return ``page`` as a phone photo of the printed sheet: turned by ``angle`` degrees,
    lit from one side, with sensor noise and JPEG compression."""
    rng = np.random.default_rng(seed)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned).astype(np.float32)
    h, w = pixels.shape
    light = (
        np.linspace(0.78, 1.0, w, dtype=np.float32)[None, :]
        * np.linspace(0.9, 1.0, h, dtype=np.float32)[:, None]
    )
    pixels = pixels * light + rng.normal(0, 6, pixels.shape)
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def tiff(pages: list[Image.Image], dpi: int) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], dpi=(dpi, dpi))
    return out.getvalue()


def png(page: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def jpeg(page: Image.Image, quality: int = 75) -> bytes:
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality)
    return out.getvalue()


def table_pages(pdf: bytes) -> list[int]:
    """Return the 0-based pages of ``pdf`` that draw table rules (the statistics tables)."""
    import pypdfium2.raw as pdfium_raw

    doc = pdfium.PdfDocument(pdf)
    try:
        return [
            n
            for n in range(len(doc))
            if sum(1 for _ in doc[n].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH])) > 20
        ]
    finally:
        doc.close()


def mixed_pdf(pdf: bytes, dpi: int) -> bytes:
    """Return ``pdf`` with its table pages replaced by scanned images of themselves."""
    scanned = set(table_pages(pdf))
    images = page_images(pdf, dpi)
    source = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    try:
        for n in range(len(source)):
            if n in scanned:
                scan = pdfium.PdfDocument(image_pdf([images[n]], dpi))
                out.import_pages(scan, [0])
                scan.close()
            else:
                out.import_pages(source, [n])
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        out.close()
        source.close()


def long_scan(pdf: bytes, dpi: int, pages: int = 10) -> bytes:
    """Return a scan of ``pages`` pages (image-only PDF) made of the rendered report and prose
    pages appended after it (copies of its last page, which holds no table, like the 附件 of
    a published report): longer than the 4 pages the old up-front estimate allowed."""
    images = page_images(pdf, dpi)
    prose = [n for n in range(len(images)) if n not in table_pages(pdf)][-1]
    extra = [images[prose]] * max(0, pages - len(images))
    return image_pdf(images + extra, dpi)


def blur_box(page: Image.Image, box: tuple[float, float, float, float], dpi: int) -> Image.Image:
    """Return ``page`` with the box (points) smudged beyond reading: a blotted digit."""
    scale = dpi / 72
    x0, top, x1, bottom = (round(v * scale) for v in box)
    inner = (x0 + 3, top + 3, x1 - 3, bottom - 3)
    smudged = page.crop(inner).filter(ImageFilter.GaussianBlur(radius=dpi / 20))
    copy = page.copy()
    copy.paste(smudged, inner[:2])
    return copy
