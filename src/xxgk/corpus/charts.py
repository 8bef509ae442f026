"""Pictures of the corpus: applications per year, the outcome mix, a ranking bar chart.

Drawn with matplotlib (Agg) as PNG or SVG. Chinese labels need a CJK font; one is looked up
among the installed fonts (Noto CJK, WenQuanYi, Source Han …). Without one the chart is not
drawn — boxes instead of characters would be garbage — and the error says how to install it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from xxgk.corpus.stats import OUTCOME_GROUPS, RATES, Figures, rank
from xxgk.errors import RenderError

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "Noto Sans CJK JP",
)
KINDS = ("trend", "mix", "ranking")


def cjk_font() -> str | None:
    """Return the name of an installed font that has Chinese characters, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    return next((n for n in sorted(installed) if "CJK" in n), None)


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font is None:
        raise RenderError(
            "未找到中文字体，无法绘制中文图表；请安装 fonts-noto-cjk 或 fonts-wqy-zenhei"
            "（scripts/setup-system.sh）",
            "no CJK font installed; install fonts-noto-cjk or fonts-wqy-zenhei",
        )
    plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"
    return plt


def _save(fig, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def trend_chart(years: Sequence[Figures], fmt: str = "png", *, title: str = "") -> bytes:
    """Bars of 新收申请 per year, with the number of reports in the labels."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    labels = [f"{f.year}年\n（{f.reports}份报告）" for f in years]
    values = [f.counts["new"] for f in years]
    bars = ax.bar(labels, values, color="#3b6ea5")
    ax.bar_label(bars, labels=[str(v) for v in values])
    ax.set_ylabel("新收政府信息公开申请（件）")
    ax.set_title(title or "政府信息公开申请数量年度趋势")
    return _save(fig, fmt)


def mix_chart(years: Sequence[Figures], fmt: str = "png", *, title: str = "") -> bytes:
    """Stacked shares of the outcome groups per year (counts beside the shares)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{f.year}年（{f.counts['handled']}件）" for f in years]
    bottom = [0.0] * len(years)
    for key, (label, _rows) in OUTCOME_GROUPS.items():
        shares = [(f.rate(key).value or 0.0) * 100 for f in years]
        ax.bar(labels, shares, bottom=bottom, label=label.removesuffix("率"))
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    ax.set_ylabel("占办理总数的比例（%）")
    ax.set_ylim(0, 100)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title(title or "申请办理结果构成")
    return _save(fig, fmt)


def ranking_chart(
    rows: Sequence[Figures],
    key: str = "granted",
    fmt: str = "png",
    *,
    min_n: int = 30,
    top: int = 20,
    title: str = "",
) -> bytes:
    """Horizontal bars of a rate by unit, ranked only where at least ``min_n`` cases exist."""
    plt = _pyplot()
    ranked, small = rank(list(rows), key, min_n)
    ranked = ranked[:top]
    fig, ax = plt.subplots(figsize=(8, 0.4 * max(len(ranked), 3) + 1.2))
    names = [r.label for r in reversed(ranked)]
    values = [(r.rate(key).value or 0.0) * 100 for r in reversed(ranked)]
    bars = ax.barh(names, values, color="#5a9e6f")
    ax.bar_label(bars, labels=[r.rate(key).text() for r in reversed(ranked)], fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel(f"{RATES[key]}（%）")
    note = f"样本不足{min_n}件的{len(small)}个单位未参与排名" if small else ""
    ax.set_title((title or f"{RATES[key]}排名") + (f"\n{note}" if note else ""))
    return _save(fig, fmt)


def write_chart(data: bytes, path: Path) -> Path:
    path.write_bytes(data)
    return path


def chart_format(path: Path) -> str:
    """Return ``png`` or ``svg`` from the file name, or raise a clear error."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise RenderError(
            f"图表文件“{path.name}”的扩展名应为 .png 或 .svg",
            f"chart file {path.name!r} must end in .png or .svg",
        )
    return fmt
