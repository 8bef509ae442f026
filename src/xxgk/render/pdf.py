"""The report as PDF: the official DOCX, converted by LibreOffice headless.

The DOCX is written with the CJK faces installed on this machine (``fonts.machine_fonts``),
so the PDF embeds real 仿宋/黑体-like glyphs instead of LibreOffice's last-resort substitute.
LibreOffice is installed by ``scripts/setup-system.sh``; without it, a ``RenderError`` says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from xxgk.errors import RenderError
from xxgk.model.report import Report
from xxgk.render.docx import render_docx
from xxgk.render.fonts import machine_fonts

CONVERT_TIMEOUT = 180


def soffice_path() -> str | None:
    """Return the LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing_office() -> RenderError:
    return RenderError(
        "未找到 LibreOffice，无法生成 PDF；请运行 scripts/setup-system.sh 安装 libreoffice-writer",
        "LibreOffice (soffice) is not installed; run scripts/setup-system.sh to install it",
    )


def convert_to_pdf(documents: Sequence[bytes], *, suffix: str = ".docx") -> list[bytes]:
    """Convert office documents to PDF with one LibreOffice run (starting it is the slow part)."""
    soffice = soffice_path()
    if soffice is None:
        raise _missing_office()
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for index, data in enumerate(documents):
            source = work / f"report-{index:04d}{suffix}"
            source.write_bytes(data)
            sources.append(source)
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
            "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work / "out"),
            *map(str, sources),
        ]
        env = dict(os.environ, HOME=str(work))
        try:
            done = subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT,
                                  env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RenderError("LibreOffice 转换 PDF 超时", "LibreOffice timed out") from exc
        results = []
        for source in sources:
            pdf = work / "out" / (source.stem + ".pdf")
            if not pdf.is_file():
                detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
                raise RenderError(
                    f"LibreOffice 未能把 {source.name} 转换为 PDF：{detail}",
                    f"LibreOffice did not convert {source.name} to PDF (exit {done.returncode})",
                )
            results.append(pdf.read_bytes())
        return results


def render_pdf(report: Report) -> bytes:
    """Return the report as PDF bytes (DOCX in the official layout, through LibreOffice)."""
    return render_pdfs([report])[0]


def render_pdfs(reports: Sequence[Report]) -> list[bytes]:
    """Return several reports as PDF with a single LibreOffice start."""
    if soffice_path() is None:
        raise _missing_office()
    fonts = machine_fonts()
    return convert_to_pdf([render_docx(r, fonts=fonts) for r in reports])
