"""A PDF whose Table 三 has no rulings and prints its group labels (三、本年度办理结果,
（三）不予公开, …) one character per line beside the rows, as some real reports do (issue 14
item 3): the characters must not leak into the row labels, and every cell reads exactly."""

from __future__ import annotations

import random

import pytest
from formats_pdfmaker import make_pdf, text_op

from xxgk.model.cells import CELL_KEYS
from xxgk.parse import parse_bytes
from xxgk.parse.pdf import read_pdf
from xxgk.render.layout import TABLE_BY_SECTION, format_value
from xxgk.synth import random_report

REQUESTS = TABLE_BY_SECTION["requests"]
X0, WIDTH, TOP, HEIGHT = 24.0, 56.0, 740.0, 22.0


def _vertical_table_ops(report) -> list[str]:
    """Table 三 without rulings; each group label (a cell spanning rows, one column wide)
    printed one character per line, centred on its rows."""
    ops = [text_op(X0, TOP + 30, "三、收到和处理政府信息公开申请情况", 12)]
    for r, c, cell in REQUESTS.positions():
        x, y = X0 + c * WIDTH, TOP - (r + cell.rowspan) * HEIGHT
        w, h = cell.colspan * WIDTH, cell.rowspan * HEIGHT
        text = cell.text if cell.key is None else format_value(report.values[cell.key])
        if not text:
            continue
        if (
            cell.key is None
            and cell.rowspan > 2
            and cell.colspan == 1
            and r >= REQUESTS.header_rows
        ):
            step = 11.0
            first = y + h / 2 + (len(text) - 1) * step / 2
            ops += [text_op(x + 20, first - i * step, ch, 9) for i, ch in enumerate(text)]
        else:
            ops.append(text_op(x + 2, y + h / 2 - 3, text, size=min(8, (w - 14) / len(text))))
    return ops


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vertical_group_labels_do_not_leak_into_row_labels(seed: int) -> None:
    report = random_report(random.Random(seed))
    pdf = make_pdf([_vertical_table_ops(report)])
    texts = [c.text for line in read_pdf(pdf).lines for c in line.cells]
    # each vertical group label comes back as one cell, its characters in no row label
    assert {"三、本年度办理结果", "（三）不予公开", "（五）不予处理"} <= set(texts)
    parsed = parse_bytes(pdf, name="vertical.pdf")
    keys = [k for k in CELL_KEYS if k.startswith("requests.")]
    assert {k: parsed.values[k] for k in keys} == {k: report.values[k] for k in keys}
    unmatched = [f for f in parsed.findings if f.code == "parse-label-unmatched"]
    assert unmatched == []
