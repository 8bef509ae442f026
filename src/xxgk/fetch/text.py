"""The result of a fetch run in Chinese lines, for the terminal and the web page alike."""

from __future__ import annotations

from xxgk.fetch import FetchRun

MAX_LISTED = 50


def summary_lines(result: FetchRun) -> list[str]:
    """Counts of the crawl, the reports read, what failed and what the store did."""
    from xxgk.corpus.text import summary_lines as store_lines

    outcome = result.outcome
    p = outcome.progress
    lines = []
    if result.columns:
        lines.append(f"从{len(result.columns)}个单位的年报栏目开始抓取。")
    lines.append(
        f"抓取完成{p.done}个地址（其中未变化{p.unchanged}个），失败{p.failed}个；"
        f"本次请求{p.requests}次。"
    )
    if outcome.stopped:
        lines.append("抓取已中止：再次运行同一任务即可从中断处继续。")
        return lines
    if outcome.warc is not None:
        lines.append(f"原始响应已存档：{outcome.warc}")
    lines.append(f"读出年度报告{len(result.reports)}份：")
    for item in result.reports[:MAX_LISTED]:
        date = item.published
        shown = f"网页发布于{date.isoformat()}" if date else "未找到发布日期"
        extra = f"，另有{item.sources - 1}个来源" if item.sources > 1 else ""
        lines.append(
            f"  {item.organization or '（未识别报告主体）'} {item.year or '?'}年度  {shown}"
            f"  {item.url}{extra}"
        )
    if len(result.reports) > MAX_LISTED:
        lines.append(f"  ……另有{len(result.reports) - MAX_LISTED}份未列出")
    if outcome.failures:
        lines.append("未能抓取的地址：")
        lines += [f"  {url}  {why}" for url, why in outcome.failures[:MAX_LISTED]]
    if result.unread:
        lines.append("抓取到但未读出报告的页面或文件：")
        for unread in result.unread[:MAX_LISTED]:
            lines.append(f"  {unread.url}  {'；'.join(unread.reasons) or '未读出年度报告'}")
    if result.stored is not None:
        lines.append("报告库：" + "\n".join(store_lines(result.stored.summary)))
    return lines
