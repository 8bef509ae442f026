"""Report metadata: title, organization, year and published date.

The rules follow the seed truths: the 落款 name is preferred to the title's (the title may
use a short name: 甘河子镇 vs 乌苏市甘河子镇人民政府); without a 落款 the organization is
the title's text before the year (昌吉市阿什里乡); the year comes from the title, else the
statistics period (…年1月1日…至…年12月31日), else the first year in the body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from xxgk.findings import Location
from xxgk.parse.dates import cn_number, find_date, parse_date
from xxgk.parse.labels import squeeze

_YEAR_CN = r"[〇零○O一二三四五六七八九]{4}"
_YEAR = re.compile(rf"(\d{{4}}|{_YEAR_CN})年度?")
_PERIOD = re.compile(r"(\d{4})年0?1月0?1日.{0,8}?(?:至|到|—|-|~)(?:\d{4}年)?12月31日")
_ORG_SUFFIX = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管理委员会|管委会|局|厅|院|办事处|街道|中心|乡|镇|委|办|所|站)$"
)
_BODY_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,24}?(?:人民政府|街道办事处|管理委员会|委员会|办公室|局))"
    r"(?:认真|深入|紧紧|坚持|严格|始终|全面|高度|按照|围绕|持续|进一步|以|在|对)"
)


@dataclass
class Metadata:
    """What was read, with the place of each item."""

    title: str | None = None
    organization: str | None = None
    year: int | None = None
    published: dt.date | None = None
    signature: list[int] = field(default_factory=list)  # line indexes of the 落款
    title_lines: list[int] = field(default_factory=list)
    places: dict[str, Location] = field(default_factory=dict)


Line = tuple[int, str, Location]  # (index, text, place)


def read_title(preamble: Sequence[Line]) -> tuple[str, list[int]] | None:
    """Return the title (short leading lines up to the one naming the report)."""
    parts: list[Line] = []
    for line in preamble:
        text = title_text(line[1])
        if is_chrome(line[1]) and not (text != line[1].strip() and "报告" in text):
            parts = []  # page chrome before the title (breadcrumbs, site name, fields)
            continue
        if len(text) > 60 or "。" in text or text.startswith(("根据", "依据", "按照")):
            break
        parts.append((line[0], text, line[2]))
        if "报告" in text:
            return "".join(p[1].strip() for p in parts), [p[0] for p in parts]
    return None


def organization_from_title(title: str) -> str | None:
    """Return the body named by the title: the text before 政府信息公开, years removed."""
    s = _YEAR.sub("", squeeze(title))
    head, sep, _ = s.partition("政府信息公开")
    if not sep:
        head, sep, _ = s.partition("年度报告")
    head = re.sub(r"(?:关于|的|公布|发布)$", "", head)
    return head or None


def year_from(text: str) -> int | None:
    """Return the first plausible report year printed in ``text``."""
    for match in _YEAR.finditer(squeeze(text)):
        year = _year_value(match.group(1))
        if year and 2000 <= year <= 2100:
            return year
    return None


def _year_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = [cn_number(ch) for ch in text]
    return None if None in digits else int("".join(str(d) for d in digits))


def period_year(text: str) -> int | None:
    """Return Y of a statistics period 1 January Y – 31 December Y, or None."""
    match = _PERIOD.search(squeeze(text))
    return int(match.group(1)) if match else None


def read_signature(tail: Sequence[Line]) -> tuple[str | None, dt.date | None, list[int]]:
    """Return the 落款 organization, date and line indexes from the last lines.

    Page chrome after the 落款 (footer, print and close buttons, site fields) is skipped.
    """
    kept = [line for line in tail if line[1].strip()]
    while kept and is_chrome(kept[-1][1]):
        kept.pop()
    last = kept[-2:]
    org, date = None, None
    used: list[int] = []
    for index, text, _ in reversed(last):
        if date is None and not used and parse_date(text):
            date, used = parse_date(text), [index]
            continue
        if org is None and _is_org_line(text, bool(date)):
            org = text.strip()
            used.append(index)
        break
    if date is None and org is None and last:
        org, date, index = _org_and_date(last[-1])
        used = [index] if org else []
    return org, date, sorted(used)


def _is_org_line(text: str, has_date: bool) -> bool:
    s = text.strip()
    if not s or len(s) > 40 or any(p in s for p in "。，,；;：:") or find_date(s):
        return False
    return has_date or bool(_ORG_SUFFIX.search(s))


def _org_and_date(line: Line) -> tuple[str | None, dt.date | None, int]:
    """Read ``示例市交通运输局 2025年1月20日`` printed on one line."""
    index, text, _ = line
    s = squeeze(text)
    found = find_date(s)
    if not found or found[2] != len(s) or found[1] == 0:
        return None, None, index
    head = s[: found[1]]
    if _is_org_line(head, False):
        return head, found[0], index
    return None, None, index


def organization_from_body(text: str) -> str | None:
    """Return a body named at the start of a sentence (``某某局认真贯彻…``), or None."""
    for sentence in re.split(r"[。，,；;]", squeeze(text))[:8]:
        match = _BODY_ORG.search(sentence)
        if match:
            return match.group(1)
    return None


# --- web pages: chrome around the report, and the page's own fields -------------------------

_CHROME_START = re.compile(
    r"^(?:当前位置|您现在的位置|您当前的位置|所在位置|位置[:：]|首页|字号|【|\[|打印|关闭|分享|"
    r"扫一扫|浏览次数|访问量|阅读量|点击|主办|承办|协办|版权|Copyright|©|备案|ICP|网站标识码|"
    r"联系我们|网站地图|技术支持|公安|政府网站找错|索引号|信息索引|分类|发文机关|发布机构|"
    r"文号|发文字号|成文日期|发布日期|发布时间|时间[:：]|来源|信息来源|责任编辑|编辑|上一篇|下一篇|"
    r"相关链接|附件|标题[:：]|名称[:：])",
    re.I,
)
_CHROME_ANYWHERE = re.compile(r"主办单位|承办单位|版权所有|备案号|ICP备|网站标识码|技术支持[:：]")
_SITE_NAME = re.compile(r"(?:门户网站|网站|政府网|政务网|信息公开网|门户)$")
_BREADCRUMB = re.compile(r"[>»＞›]|→")
_TITLE_FIELD = re.compile(r"^(?:标题|名称|文件名称|信息名称)[:：]\s*")
_PAGE_DATE = re.compile(
    r"(?:发布时间|发布日期|发文日期|公开日期|发布于|PubDate|pubdate|更新时间|时间|日期)\s*[:：]?\s*"
    r"(\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}))"
)
_PAGE_SOURCE = re.compile(r"(?:信息来源|来源|发布机构)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40})")


def is_chrome(text: str) -> bool:
    """Return True for a line of page chrome: breadcrumbs, page fields, footers, tools."""
    s = squeeze(text)
    if not s:
        return False
    if _CHROME_START.match(s) or _CHROME_ANYWHERE.search(s) or _SITE_NAME.search(s):
        return True
    return bool(_BREADCRUMB.search(s)) and "。" not in s


def title_text(text: str) -> str:
    """Return a title line without a ``标题：`` field name in front."""
    return _TITLE_FIELD.sub("", text.strip())


def page_date(texts: Sequence[str]) -> tuple[dt.date, int] | None:
    """Return the first 发布时间/发布日期/PubDate field's date in ``texts`` and its index."""
    for index, text in enumerate(texts):
        if "报告" in text and not _CHROME_START.match(squeeze(text)):
            continue
        match = _PAGE_DATE.search(text)
        if match:
            date = parse_date(match.group(1)) or (find_date(match.group(1)) or (None,))[0]
            if date is not None:
                return date, index
    return None


def page_source(texts: Sequence[str]) -> str | None:
    """Return the page's 来源 field (the office the page names as its source)."""
    for text in texts:
        match = _PAGE_SOURCE.search(text)
        if match:
            return match.group(1)
    return None


def parse_page_date(text: str) -> dt.date | None:
    """Return the date of a CMS field value (``2025-01-20 09:30:00``), or None."""
    found = find_date(text)
    return found[0] if found else None
