"""报告收集 takes the legacy Office formats as issue #16 asks (.doc and .xls, converted by
LibreOffice in the worker pool): a ZIP with a Word 97 and an Excel 97 report is read, each
file gets its row with the report's 主体 and year, and both wait in the store for their unit
to be chosen (their fictional units are not in the demo's tree)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from web_support import token

from xxgk.office import soffice_path

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
LEGACY = ("legacy_word97.doc", "legacy_excel97.xls")


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is needed for .doc/.xls")
def test_a_zip_of_doc_and_xls_reports_is_collected(as_user):
    sup = as_user("county-supervisor")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in LEGACY:
            package.write(FORMATS / name, name)
    response = sup.post(
        "/collect",
        data={"csrf_token": token(sup, "/collect"), "year": ""},
        files=[("files", ("旧格式.zip", buffer.getvalue()))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:400]
    where = response.headers["location"]
    sup.app.state.collect_jobs.wait(where.rsplit("/", 1)[-1], timeout=240)
    page = sup.get(where).text
    for name in LEGACY:
        truth = json.loads((FORMATS / name).with_suffix(".truth.json").read_text("utf-8"))
        row = re.search(rf'<tr data-file="[^"]*{re.escape(name)}"[^>]*>(.*?)</tr>', page, re.S)
        assert row, f"no row for {name}"
        assert 'data-stored="yes"' in row[0], row[0]
        assert truth["organization"] in row[1]
        assert f"<td>{truth['year']}</td>" in row[1]
        assert 'name="unit"' in row[1]  # waits for its unit to be chosen from the list
