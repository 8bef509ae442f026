"""The parts of OCR reading that need no recogniser run: modes, refusals, page preparation,
table rules from pixels, and the doubt review (fast; the recogniser is tested in
test_ocr_reading.py)."""

from __future__ import annotations

import io
import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.errors import InputError
from xxgk.findings import Location
from xxgk.model.cells import request_key
from xxgk.parse import ocr, parse_bytes
from xxgk.parse.document import SourceDocument
from xxgk.parse.ocr_doubt import LOW_CONFIDENCE, review_ocr
from xxgk.parse.readers import detect_format
from xxgk.synth import random_report

SCAN_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "pdf_scan.pdf"
needs_cv = pytest.mark.skipif(not ocr.ocr_available(), reason="the ocr extra is not installed")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _page(width: int = 1240, height: int = 1754) -> Image.Image:
    return Image.new("L", (width, height), 255)


# --- input and modes -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "TIFF"])
def test_page_images_are_detected_by_content(kind):
    out = io.BytesIO()
    _page(40, 60).save(out, kind)
    assert detect_format(out.getvalue(), "no-suffix") == "image"


def test_an_image_with_ocr_never_is_refused_in_one_line():
    with pytest.raises(InputError) as caught:
        parse_bytes(_png(_page()), name="photo.png", ocr="never")
    message = caught.value.describe()
    assert "需要先进行文字识别（OCR）" in message
    assert "已设定不做文字识别" in message
    assert "\n" not in message


def test_an_unknown_ocr_mode_is_refused():
    with pytest.raises(InputError, match="auto、always、never"):
        parse_bytes(b"x", name="a.txt", ocr="sometimes")


def test_without_the_ocr_extra_a_scan_is_refused_with_how_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(InputError) as caught:
        parse_bytes(SCAN_FIXTURE.read_bytes(), name="scan.pdf")
    assert "需要先进行文字识别（OCR）" in str(caught.value)
    assert "xxgk[ocr]" in str(caught.value)


def test_the_cli_takes_the_ocr_mode(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(_png(_page()))
    result = CliRunner().invoke(app, ["parse", str(path), "--ocr", "never"])
    assert result.exit_code == 2
    assert "需要先进行文字识别（OCR）" in result.output
    bad = CliRunner().invoke(app, ["check", str(path), "--ocr", "maybe"])
    assert bad.exit_code == 2


def test_a_place_keeps_its_confidence_through_pickle_and_json():
    place = Location(page=2, bbox=(1.0, 2.0, 3.0, 4.0), text="7", confidence=0.42)
    assert pickle.loads(pickle.dumps(place)) == place
    assert Location.from_dict(place.to_dict()) == place
    text_place = Location(line=3, column=1, text="x")
    assert pickle.loads(pickle.dumps(text_place)).confidence is None


# --- page preparation and table rules --------------------------------------------------------


def _ruled_page() -> Image.Image:
    """A page with a 3 × 4 ruled table, tall digits "1" in its cells and a line of dashes."""
    page = _page()
    draw = ImageDraw.Draw(page)
    xs, ys = [200, 500, 700, 900, 1100], [300, 380, 460, 540]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    for x in xs[1:-1]:
        for y in ys[:-1]:
            draw.line([(x + 50, y + 15), (x + 50, y + 62)], fill=0, width=4)  # a "1"
    draw.line([(200, 700), (240, 700)], fill=0, width=2)  # a dash in the prose: no rule
    return page


@needs_cv
def test_opencv_keeps_to_the_calling_thread():
    """No OpenCV thread pool in a process that forks the recognising child: a child forked
    while a pool worker held the pool's lock hung on its first OpenCV call."""
    import cv2

    from xxgk.parse import ocr_grid  # noqa: F401 - importing it makes the setting

    assert cv2.getNumThreads() == 1


@needs_cv
def test_table_rules_rebuild_the_grid_and_ignore_strokes():
    from xxgk.parse.ocr_grid import table_rules
    from xxgk.parse.pdf_layout import build_grid, groups

    horizontal, vertical = table_rules(np.asarray(_ruled_page()), 150)
    tables = groups(horizontal, vertical)
    assert len(tables) == 1
    grid = build_grid(*tables[0])
    assert (len(grid.xs), len(grid.ys)) == (5, 4)
    assert len(grid.cells) == 12
    pt = 72 / 150
    assert grid.xs[1] == pytest.approx(500 * pt, abs=1.5)
    assert grid.ys[-1] == pytest.approx(540 * pt, abs=1.5)


@needs_cv
@pytest.mark.parametrize("angle", [0.8, -0.6])
def test_a_turned_page_is_straightened(angle):
    from xxgk.parse.ocr_grid import estimate_skew

    page = _ruled_page()
    draw = ImageDraw.Draw(page)
    for n in range(20):  # lines of "text"
        draw.rectangle([(200, 800 + 40 * n), (1000, 820 + 40 * n)], fill=0)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert estimate_skew(np.asarray(turned)) == pytest.approx(-angle, abs=0.15)


@needs_cv
def test_uneven_light_is_flattened_only_where_it_helps():
    from xxgk.parse.ocr_grid import prepare

    even = np.asarray(_ruled_page())
    assert not prepare(even, 150).flattened
    shade = np.linspace(0.55, 1.0, even.shape[1])[None, :]
    shaded = (even * shade).astype(np.uint8)
    prepared = prepare(shaded, 150)
    assert prepared.flattened
    assert prepared.gray[100, 100] == prepared.gray[100, 1200] == 255  # paper is white again


# --- doubts ------------------------------------------------------------------------------------


def _ocr_report():
    """A consistent report whose request cells were all 'read by OCR' surely."""
    report = random_report(random.Random(5))
    for n, key in enumerate(k for k in report.values if k.startswith("requests.")):
        report.provenance[key] = Location(page=2, bbox=(n, 0, n + 1, 1), confidence=0.99)
    return report


def _doubts(report, others=None):
    findings: list = []
    review_ocr(report, findings, others or {})
    return {f.cells[0]: f for f in findings if f.code == "parse-ocr-doubt"}


def test_an_unsure_reading_that_the_relations_confirm_stands():
    report = _ocr_report()
    key = request_key("new", "natural_person")
    report.provenance[key] = Location(page=2, bbox=(0, 0, 1, 1), confidence=LOW_CONFIDENCE - 0.2)
    assert _doubts(report) == {}


def test_an_unsure_reading_that_nothing_confirms_is_flagged_with_candidates():
    report = _ocr_report()
    key = request_key("new", "natural_person")
    place = Location(page=2, bbox=(0, 0, 1, 1), confidence=0.5)
    report.provenance[key] = place
    report.provenance[request_key("new", "total")] = Location(
        page=2, bbox=(9, 9, 9, 9), confidence=0.5
    )
    report.provenance[request_key("total_handled", "natural_person")] = Location(
        page=2, bbox=(8, 8, 8, 8), confidence=0.5
    )
    doubts = _doubts(report, {(2, (0, 0, 1, 1)): ("8",)})
    assert key in doubts
    assert doubts[key].params["candidates"].split("、")[:2] == [str(report.values[key]), "8"]
    assert "置信度0.50" in doubts[key].message


def test_a_contradicted_digit_is_flagged_and_never_corrected():
    report = _ocr_report()
    key = request_key("granted", "commercial")
    true_value = report.values[key]
    report.values[key] = true_value + 3  # misread
    report.provenance[key] = Location(page=2, bbox=(0, 0, 1, 1), confidence=0.93)
    doubts = _doubts(report)
    assert key in doubts
    assert report.values[key] == true_value + 3  # the relation offers, never writes
    assert str(true_value) in doubts[key].params["candidates"].split("、")
    assert "勾稽" in doubts[key].message


def test_a_report_without_ocr_places_gets_no_doubts():
    report = random_report(random.Random(5))
    report.values[request_key("granted", "commercial")] += 1
    assert _doubts(report) == {}
    assert SourceDocument([]).ocr is False
