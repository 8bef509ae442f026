"""Plain-text views of the corpus for the terminal: ingest summary, stats table, pairs, status.

Kept apart from the command line so the same lines can be tested and reused (web, e-mail).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from xxgk.aggregate import MemberStatus, Status
from xxgk.corpus.ingest import IngestSummary
from xxgk.corpus.similarity import SimilarPair
from xxgk.corpus.stats import COUNTS, RATES, Figures, rank
from xxgk.model.cells import CELL_BY_KEY, cell_title
from xxgk.spreadsheet import csv_document

MAX_LISTED = 50


def summary_lines(summary: IngestSummary) -> list[str]:
    """The ingest result: counts, then new versions, unmatched and unusable files."""
    lines = [
        f"新增{summary.added}份（其中新版本{len(summary.versions)}份），未变化{summary.unchanged}份，"
        f"无法读取{len(summary.failed)}份，未匹配单位{len(summary.unmatched)}份，"
        f"有错误{summary.with_errors}份，逾期{summary.late}份。"
    ]
    if summary.versions:
        lines.append("新版本（同一单位同一年度的文件有变化）：")
        for change in summary.versions[:MAX_LISTED]:
            shown = "、".join(cell_title(k) for k in change.changed[:3] if k in CELL_BY_KEY)
            more = f"等{len(change.changed)}格" if len(change.changed) > 3 else ""
            what = f"变化：{shown}{more}" if change.changed else "表格数值未变，正文等有变化"
            lines.append(f"  {change.organization} {change.year}年度 第{change.version}版  {what}")
    if summary.unmatched:
        lines.append("未匹配到单位的报告（已入库，请在单位表中补充或核对名称）：")
        for item in summary.unmatched[:MAX_LISTED]:
            hint = f"  可能是：{'、'.join(item.candidates)}" if item.candidates else ""
            lines.append(
                f"  {item.organization or '（未识别报告主体）'} {item.year or '?'}年度  "
                f"{item.path}{hint}"
            )
    if summary.failed:
        lines.append("无法读取的文件：")
        lines += [f"  {line}" for line in summary.failed[:MAX_LISTED]]
    for listed in (summary.versions, summary.unmatched, summary.failed):
        if len(listed) > MAX_LISTED:
            lines.append(f"  ……另有{len(listed) - MAX_LISTED}项未列出")
    return lines


STAT_COLUMNS = ("单位", "年度", "报告数", *COUNTS.values(), *RATES.values(), "逾期", "有错误")


def stat_cells(row: Figures) -> list[str]:
    counts = [str(row.counts[k]) for k in COUNTS]
    rates = [row.rate(k).text() for k in RATES]
    return [
        row.label,
        str(row.year or ""),
        str(row.reports),
        *counts,
        *rates,
        str(row.late),
        str(row.with_errors),
    ]


def stats_text(rows: Sequence[Figures], rank_key: str | None, min_n: int) -> str:
    """Tab-separated table; ranked by ``rank_key`` with small samples listed after, unranked."""
    lines = ["\t".join(("名次", *STAT_COLUMNS))]
    if rank_key is None:
        lines += ["\t".join(("", *stat_cells(r))) for r in rows]
        return "\n".join(lines) + "\n"
    ranked, small = rank(list(rows), rank_key, min_n)
    lines += ["\t".join((str(i), *stat_cells(r))) for i, r in enumerate(ranked, start=1)]
    lines += ["\t".join((f"样本不足{min_n}", *stat_cells(r))) for r in small]
    return "\n".join(lines) + "\n"


def stat_headers(columns: Sequence[str]) -> list[tuple[str, str]]:
    """Return ``(Chinese header, key)`` of the columns of ``Figures.to_dict``."""
    labels = {"label": "单位或地区", "year": "年度", "reports": "报告数", **COUNTS}
    labels |= RATES | {f"{k}_n": f"{v}（分母）" for k, v in RATES.items()}
    labels |= {"late": "逾期", "with_errors": "有错误"}
    return [(labels.get(c, c), c) for c in columns]


def stats_csv(rows: Sequence[Figures]) -> str:
    """Return the figures as CSV: BOM, Chinese headers, the keys, then one row per figure."""
    dicts = [r.to_dict() for r in rows]
    columns = list(dicts[0]) if dicts else ["label", "year"]
    return csv_document(stat_headers(columns), ([d[c] for c in columns] for d in dicts))


def stats_json(rows: Sequence[Figures]) -> str:
    return json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"


def pair_lines(pairs: Sequence[SimilarPair]) -> list[str]:
    """One line per pair, then its shared passages side by side, the shared words in 【】."""
    if not pairs:
        return ["未发现不同单位之间雷同的段落。"]
    lines = [
        f"发现{len(pairs)}对雷同文本（整个部分的相似度为 MinHash 估计值，"
        "段落的相似度按6字片段计算；109号收费说明等每份报告都应有的固定表述不计）："
    ]
    for pair in pairs:
        data = pair.to_dict()
        lines.append(
            f"  {pair.score:.0%}  {data['section']}（{data['level']}）  "
            f"{pair.first.name}（{pair.first.source}） ↔ {pair.second.name}（{pair.second.source}）"
        )
        for passage in pair.passages:
            first, second = passage.parts()
            lines.append(f"    段落相似度{passage.score:.0%}")
            lines.append(f"    {pair.first.name}：{_marked(first)}")
            lines.append(f"    {pair.second.name}：{_marked(second)}")
    return lines


def _marked(parts: list[tuple[str, bool]]) -> str:
    return "".join(f"【{text}】" if shared else text for text, shared in parts)


def status_lines(statuses: Sequence[MemberStatus]) -> list[str]:
    """One line per member: state, name, and the facts behind the state."""
    lines = []
    for item in statuses:
        sub = item.submission
        facts = ""
        if sub is not None:
            published = sub.published.isoformat() if sub.published else "无发布日期"
            facts = f"  发布{published}  错误{sub.errors}项  {sub.source}"
        indent = "  " * max(0, item.member.depth - 1)
        lines.append(f"{item.label:<10}{indent}{item.member.name}{facts}")
    return lines


def status_counts_line(counts: dict[Status, int], members: int) -> str:
    return (
        f"下级单位{members}个：已报送{counts[Status.REPORTED]}，缺报{counts[Status.MISSING]}，"
        f"逾期{counts[Status.LATE]}，有错误{counts[Status.ERRORS]}。"
    )
