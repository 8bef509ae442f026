"""LibreOffice headless as a converter: DOCX to PDF for rendering, legacy .doc/.xls to
DOCX/XLSX for reading. One LibreOffice start converts a whole batch (starting it is the slow
part); each call gets its own profile directory, so calls may run side by side."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from xxgk.errors import RenderError

CONVERT_TIMEOUT = 180


def soffice_path() -> str | None:
    """Return the LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_office() -> RenderError:
    return RenderError(
        "未找到 LibreOffice，无法转换文件；请运行 scripts/setup-system.sh 安装",
        "LibreOffice (soffice) is not installed; run scripts/setup-system.sh to install it",
    )


def convert(documents: Sequence[bytes], *, suffix: str, to: str) -> list[bytes]:
    """Convert documents saved with ``suffix`` (``.docx``, ``.doc``, ``.xls``) to format
    ``to`` (``pdf``, ``docx``, ``xlsx``) with one LibreOffice run."""
    soffice = soffice_path()
    if soffice is None:
        raise missing_office()
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        work = Path(tmp)
        sources = []
        for index, data in enumerate(documents):
            source = work / f"document-{index:04d}{suffix}"
            source.write_bytes(data)
            sources.append(source)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(work / "out"),
            *map(str, sources),
        ]
        env = dict(os.environ, HOME=str(work))
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=CONVERT_TIMEOUT, env=env, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError("LibreOffice 转换超时", "LibreOffice timed out") from exc
        results = []
        for source in sources:
            target = work / "out" / f"{source.stem}.{to}"
            if not target.is_file():
                detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
                raise RenderError(
                    f"LibreOffice 未能把 {source.name} 转换为 {to}：{detail}",
                    f"LibreOffice did not convert {source.name} to {to} (exit {done.returncode})",
                )
            results.append(target.read_bytes())
        return results
