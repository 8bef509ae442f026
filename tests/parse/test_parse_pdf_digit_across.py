"""A digit drawn over the ruling between two cells of a PDF table is flagged: the reader puts a
character whole into the cell of its centre, so "4|25" would otherwise read 425 unseen."""

from __future__ import annotations

from tests.parse.hostile_support import pdf_of

from xxgk.parse.pdf import read_pdf
from xxgk.parse_findings import DIGIT_ACROSS_RULING

PAGE_HEIGHT = 842


def _table_page(texts: list[tuple[float, float, str]]) -> bytes:
    """A content stream drawing a ruled table (columns at x = 100, 200, 300, 400; rows
    between y = 660, 700, 740, PDF space) and printing ``texts`` (x, y, text) in 12-point
    Helvetica, whose digits are 6.7 points wide."""
    ops = [b"0.5 w"]
    for x in (100, 200, 300, 400):
        ops.append(b"%d 660 m %d 740 l S" % (x, x))
    for y in (660, 700, 740):
        ops.append(b"100 %d m 400 %d l S" % (y, y))
    for x, y, text in texts:
        ops.append(b"BT /F1 12 Tf %.2f %.2f Td (%s) Tj ET" % (x, y, text.encode("ascii")))
    return b"\n".join(ops)


def _read(texts: list[tuple[float, float, str]]) -> tuple[list, dict]:
    """Return the digit doubts of the page and its cells' places by their texts."""
    document = read_pdf(pdf_of([_table_page(texts)]), "table.pdf")
    places = {c.text: c.location.bbox for line in document.lines for c in line.cells}
    return [f for f in document.findings if f.code == DIGIT_ACROSS_RULING], places


def _doubts(texts: list[tuple[float, float, str]]) -> list:
    return _read(texts)[0]


def test_a_digit_over_a_cell_border_is_flagged_at_its_cell() -> None:
    # "4" from x = 197 to 203.7: its centre is in the middle column, 3 points of it in the first
    doubts, places = _read([(150, 715, "9"), (197, 715, "4"), (215, 715, "25"), (250, 675, "7")])
    assert "425" in places  # what the reader made of it, now with a doubt at that cell
    assert len(doubts) == 1
    (doubt,) = doubts
    assert doubt.params == {"page": 1, "digit": "4"}
    assert doubt.location.page == 1
    assert doubt.location.bbox == places["425"]
    left, top, right, bottom = places["425"]
    assert (left, right) == (200, 300)
    assert top < PAGE_HEIGHT - 715 < bottom  # the upper row, where "4" and "25" stand
    assert "压在单元格的边线上" in doubt.message


def test_digits_inside_their_cells_or_touching_a_border_are_not_flagged() -> None:
    # 199.5: half a point over the border, less than a tenth of the digit's width
    texts = [(150, 715, "9"), (199.5, 715, "4"), (215, 675, "25"), (390, 675, "8")]
    assert _doubts(texts) == []


def test_a_digit_over_the_right_border_is_flagged_too() -> None:
    doubts, places = _read([(296, 675, "3"), (320, 675, "12")])  # 296 to 302.7
    assert [d.params["digit"] for d in doubts] == ["3"]
    assert doubts[0].location.bbox == places["3"]


def test_the_finding_names_the_cell_read_from_that_place() -> None:
    """In a whole report the doubt names the canonical cell read at its place."""
    from xxgk.findings import Finding, Location
    from xxgk.model.report import Report
    from xxgk.parse.interpret import _name_cells_at_places

    here, there = (
        Location(page=2, bbox=(1.0, 2.0, 3.0, 4.0)),
        Location(page=2, bbox=(5.0, 6.0, 7.0, 8.0)),
    )
    report = Report()
    report.provenance.update({"requests.new.total": here, "requests.new.other": there})
    doubt = Finding(DIGIT_ACROSS_RULING, location=Location(page=2, bbox=(1.0, 2.0, 3.0, 4.0)))
    other = Finding("parse-pdf-page-without-text", location=Location(page=2, bbox=here.bbox))
    findings = [doubt, other]
    _name_cells_at_places(report, findings, 2)
    assert findings[0].cells == ("requests.new.total",)
    assert findings[1].cells == ()  # only the kinds found before the tables are read
