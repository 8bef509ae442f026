"""Scanned and photographed reports are read into the same Report as the text PDF.

The golden result is the fictional source report: every cell read back equals it, or is
flagged ``parse-ocr-doubt`` (never silently wrong). Each scan is recognised once a session.
"""

from __future__ import annotations

import ocr_scans as scans
import pytest

from xxgk.findings import Finding
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.parse.ocr import ocr_available
from xxgk.rules import validate

pytestmark = pytest.mark.skipif(not ocr_available(), reason="the ocr extra is not installed")

DOUBT = "parse-ocr-doubt"
UNREAD = "parse-ocr-unread"


def _doubted(report: Report) -> set[str]:
    return {key for f in report.findings if f.code == DOUBT for key in f.cells}


def _check_cells(report: Report, source: Report, keys: list[str]) -> float:
    """Assert no cell is silently wrong; return the share read exactly."""
    doubted = _doubted(report)
    wrong = [k for k in keys if report.values[k] != source.values[k]]
    silent = [(k, source.values[k], report.values[k]) for k in wrong if k not in doubted]
    assert silent == []
    return 1 - len(wrong) / len(keys)


OCR_NOTES = ("parse-ocr", "parse-label-fuzzy", "citation-number-format")
"""Findings a scan may add: the OCR notes, and a label matched despite a variant character
the recogniser read (眞 for 真) — the cells are checked exactly above —, and the 文号 bracket
check, since a recogniser confuses bracket shapes (〔2020〕 read as 〔2020]): typography is
judged on a text layer, not on a scan."""


def _rule_codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings if not f.code.startswith(OCR_NOTES))


def _scan150(source_pdf: bytes) -> bytes:
    return scans.image_pdf(scans.page_images(source_pdf, 150), 150)


def test_a_scan_without_text_layer_reads_like_the_text_pdf(
    read_once, source, source_pdf, text_pdf_report
):
    report = read_once(
        "scan150.pdf", lambda: scans.image_pdf(scans.page_images(source_pdf, 150), 150)
    )
    assert _check_cells(report, source, list(CELL_KEYS)) >= 0.99
    assert (report.organization, report.year, report.published) == (
        source.organization,
        source.year,
        source.published,
    )
    assert set(report.sections) == set(text_pdf_report.sections)  # all six parts found
    # the same findings as the text PDF, besides the OCR notes
    assert _rule_codes(validate(report).findings) == _rule_codes(validate(text_pdf_report).findings)
    note = next(f for f in report.findings if f.code == "parse-ocr-pages")
    assert "全部页面" in note.message


def test_ocr_provenance_is_page_and_box_with_confidence(read_once, source_pdf, text_pdf_report):
    report = read_once(
        "scan150.pdf", lambda: scans.image_pdf(scans.page_images(source_pdf, 150), 150)
    )
    key = "requests.new.total"
    ocr_place, text_place = report.provenance[key], text_pdf_report.provenance[key]
    assert ocr_place.page == text_place.page
    assert text_place.confidence is None
    assert ocr_place.confidence is not None
    assert 0 < ocr_place.confidence <= 1
    # the grid cell found in the image is the one the vector rules draw (within 3 points)
    assert all(abs(a - b) < 3 for a, b in zip(ocr_place.bbox, text_place.bbox, strict=True))


def test_only_the_image_pages_of_a_text_pdf_are_recognised(read_once, source, source_pdf):
    table_pages = scans.table_pages(source_pdf)
    report = read_once("mixed.pdf", lambda: scans.mixed_pdf(source_pdf, 150))
    assert _check_cells(report, source, list(CELL_KEYS)) >= 0.99
    note = next(f for f in report.findings if f.code == "parse-ocr-pages")
    assert note.params["pages"] == "第" + "、".join(str(n + 1) for n in table_pages) + "页"
    # prose pages keep their text layer: no confidence on the title's place
    assert report.metadata_provenance["title"].confidence is None
    assert report.provenance["requests.new.total"].confidence is not None


def test_a_photographed_table_page_is_straightened_and_read(read_once, source, source_pdf):
    page = scans.table_pages(source_pdf)[0]
    image = scans.page_images(source_pdf, 200)[page]
    photo = scans.jpeg(scans.photograph(image, angle=0.8, seed=3), quality=70)
    report = read_once("photo.jpg", lambda: photo)
    keys = [k for k in CELL_KEYS if report.provenance.get(k) is not None]
    assert len(keys) >= 60  # most of Table 三 is on this page
    assert _check_cells(report, source, keys) >= 0.99


def test_a_blurred_digit_is_flagged_not_guessed(read_once, source, source_pdf, text_pdf_report):
    key = "requests.new.total"
    assert (source.values[key] or 0) >= 10  # two digits to blot (the seed's report)
    place = text_pdf_report.provenance[key]
    image = scans.page_images(source_pdf, 150)[place.page - 1]
    blotted = scans.png(scans.blur_box(image, place.bbox, 150), 150)
    report = read_once("blotted.png", lambda: blotted)
    doubt = next(f for f in report.findings if f.code == DOUBT and f.cells == (key,))
    assert report.values[key] is None  # not guessed, not taken from the totals
    assert "未能识别" in doubt.message
    assert doubt.location.page == 1
    assert not [f for f in report.findings if f.code == UNREAD]  # keyed as the cell's doubt
    # the rest of the page is still read exactly
    keys = [k for k in CELL_KEYS if report.provenance.get(k) is not None and k != key]
    assert _check_cells(report, source, keys) >= 0.99


def _page_batch(width: int, height: int, seed: int) -> object:
    """A detector input (1 × 3 × h × w, normalised as rapidocr does) of a page with text."""
    import numpy as np
    from PIL import Image, ImageDraw

    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    rng = np.random.default_rng(seed)
    for row in range(40, height - 40, 48):
        draw.line((30, row - 8, width - 30, row - 8), fill=0, width=2)
        draw.text(
            (40 + int(rng.integers(0, 60)), row), f"{rng.integers(0, 10**6)} 年度报告", fill=0
        )
    grey = np.asarray(page, dtype=np.float32) / 255.0
    return ((np.stack([grey] * 3)[None] - 0.5) / 0.5).astype(np.float32)


def test_the_detector_on_the_shared_arena_computes_what_rapidocr_s_session_does():
    """``ArenaDetector`` changes only where the detector's tensors live: its output is bit
    for bit that of rapidocr's own session (memory pattern), run after run and for pages of
    two sizes (the arena emptied in between)."""
    import numpy as np
    from rapidocr_onnxruntime.utils import OrtInferSession

    from xxgk.parse.ocr_grid import ArenaDetector, _detector_model, engine

    assert isinstance(engine().text_det.infer, ArenaDetector)
    model = _detector_model()
    theirs = OrtInferSession(
        {"model_path": model, "intra_op_num_threads": 1, "inter_op_num_threads": 1}
    )
    ours = ArenaDetector(model)
    for size, seed in [((640, 896), 1), ((640, 896), 2), ((704, 480), 3)]:
        batch = _page_batch(*size, seed)
        expected = theirs(batch)[0]
        assert expected.max() > 0.5  # the text was found: not a blank map compared
        assert np.array_equal(ours(batch)[0], expected)
