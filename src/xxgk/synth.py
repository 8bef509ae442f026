"""Random but fully consistent annual reports for fictional units.

The examples, the benchmark and the property tests need many reports that a careful officer
could have written: every 勾稽 relation holds, counts are plausible, the six sections carry
the sentences the rules look for (the 六 fee sentence, 考核/评议/追究 for governments), and the
落款 date is before the deadline. Every label and key comes from ``xxgk.model.cells``; the
units are invented (示例县, 样例市 …) so no real report is ever copied.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    FORMAT_2019,
    FORMAT_2021,
    LEGACY_ABSENT_REQUEST_ROWS,
    OUTCOME_ROWS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_GROUPS,
    REVIEW_PARTS,
    SECTIONS,
    request_key,
    review_key,
)
from xxgk.model.report import Report, SectionText

PLACES = ("示例县", "样例县", "虚拟县", "模拟县", "示例市", "样例市")
TOWNSHIPS = ("清河镇", "石桥乡", "柳林镇", "东山乡", "南湖镇", "新华街道办事处", "白沙镇", "青松乡")
DEPARTMENTS = (
    "交通运输局",
    "自然资源局",
    "教育局",
    "卫生健康委员会",
    "市场监督管理局",
    "民政局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "生态环境局",
    "农业农村局",
    "司法局",
    "财政局",
)
FEE_SENTENCE = (
    "按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）"
    "的规定，本年度本机关未收取信息处理费。"
)
_LOW_COUNT = 0.7  # share of request outcomes drawn from the low range


def random_organization(rng: random.Random) -> str:
    """Return the name of a fictional government or department."""
    place = rng.choice(PLACES)
    roll = rng.random()
    if roll < 0.4:
        name = rng.choice(TOWNSHIPS)
        return f"{place}{name}" if name.endswith("办事处") else f"{place}{name}人民政府"
    if roll < 0.55:
        return f"{place}人民政府"
    return f"{place}{rng.choice(DEPARTMENTS)}"


def is_government(organization: str) -> bool:
    """Return True for a 人民政府 or 街道办事处, which must report 考核/评议/追究."""
    return organization.endswith(("人民政府", "办事处"))


def may_make_rules(organization: str) -> bool:
    """Return True when the unit could issue 规章 (a 市 or 省 government, 立法法 art. 93)."""
    return organization.endswith(("市人民政府", "省人民政府")) and "县" not in organization


def random_report(
    rng: random.Random,
    *,
    organization: str | None = None,
    year: int | None = None,
    zero_share: float = 0.5,
    previous: Report | None = None,
    format_version: str = FORMAT_2021,
) -> Report:
    """Return a consistent report; deterministic for the state of ``rng``.

    ``format_version`` ``FORMAT_2019`` gives the 试行 format of the 2019 and 2020 reports
    (Table 三's （六） as one row, no 2021 Table 二 cells).

    ``zero_share`` is the chance that a count is zero (real reports are mostly zeros).
    With ``previous`` the report continues last year's: same unit, next year, 上年结转 equal
    to last year's 结转下年度 and 现行有效 carried forward.
    """
    if previous is not None:
        organization = organization or previous.organization
        year = year or (previous.year or 2023) + 1
    organization = organization or random_organization(rng)
    year = year or rng.randint(2021, 2025)
    report = Report(organization=organization, year=year)
    _fill_active(report, rng, zero_share, previous)
    _fill_requests(report, rng, zero_share, previous)
    _fill_review(report, rng, zero_share)
    report.published = dt.date(year + 1, 1, rng.randint(5, 28))
    report.title = f"{organization}{year}年政府信息公开工作年度报告"
    report.signature = organization
    _fill_sections(report, rng, previous)
    if format_version == FORMAT_2019:
        _to_2019_format(report)
    return report


def _to_2019_format(report: Report) -> None:
    """Fold （六）1 and 2 into the single （六） row and drop the Table 二 cells the 2019 trial
    format does not print: the report stays consistent."""
    report.format = FORMAT_2019
    for col in REQUEST_COLUMNS:
        folded = sum(
            report[request_key(row, col.key)] or 0
            for row in (*LEGACY_ABSENT_REQUEST_ROWS, "other_other")
        )
        report[request_key("other_other", col.key)] = folded
        for row in LEGACY_ABSENT_REQUEST_ROWS:
            report[request_key(row, col.key)] = None
    for block in ACTIVE_BLOCKS:
        for printed in block.rows:
            if printed.key in ("licensing", "punishment", "enforcement"):
                continue
            for key in [k for k in report.values if k.startswith(f"active.{printed.key}")]:
                report[key] = None


def _count(rng: random.Random, zero_share: float, high: int) -> int:
    if rng.random() < zero_share:
        return 0
    return rng.randint(1, high)


def _fill_active(
    report: Report, rng: random.Random, zero_share: float, previous: Report | None
) -> None:
    rules_allowed = may_make_rules(report.organization or "")
    for block in ACTIVE_BLOCKS:
        for row in block.rows:
            if block.key == "documents":
                _fill_documents(report, rng, zero_share, row.key, previous, rules_allowed)
            elif row.key == "fees":
                report[f"active.{row.key}"] = _fee(rng, zero_share)
            else:
                report[f"active.{row.key}"] = _count(rng, zero_share, 3000)


def _fill_documents(
    report: Report,
    rng: random.Random,
    zero_share: float,
    row: str,
    previous: Report | None,
    allowed: bool,
) -> None:
    keys = [f"active.{row}.{c}" for c in ("issued", "repealed", "in_force")]
    if row == "rules" and not allowed:
        for key in keys:
            report[key] = 0
        return
    before = previous[keys[2]] if previous is not None else None
    if not isinstance(before, int):
        before = _count(rng, zero_share, 80)
    issued = _count(rng, zero_share, 12)
    repealed = min(before, _count(rng, zero_share, 6))
    report[keys[0]], report[keys[1]] = issued, repealed
    report[keys[2]] = before + issued - repealed


def _fee(rng: random.Random, zero_share: float) -> Decimal | int:
    if rng.random() < max(zero_share, 0.8):
        return 0
    cents = rng.randint(1, 5000)
    amount = Decimal(cents) / 100
    return int(amount) if amount == amount.to_integral_value() else amount


def _fill_requests(
    report: Report, rng: random.Random, zero_share: float, previous: Report | None
) -> None:
    """Draw outcomes per applicant column, then derive every total so all relations hold."""
    for col in APPLICANT_COLUMNS:
        scale = 12 if col.key == "natural_person" else 3
        share = zero_share if col.key == "natural_person" else max(zero_share, 0.9)
        carried = _carried_over(rng, share, previous, col.key)
        outcomes = [_outcome(rng, share, scale) for _ in OUTCOME_ROWS]
        forward = _count(rng, max(share, 0.7), 3)
        outcomes[0] += max(0, carried - sum(outcomes) - forward)
        handled = sum(outcomes)
        for row, value in zip(OUTCOME_ROWS, outcomes, strict=True):
            report[request_key(row.key, col.key)] = value
        report[request_key("total_handled", col.key)] = handled
        report[request_key("carried_forward", col.key)] = forward
        report[request_key("carried_over", col.key)] = carried
        report[request_key("new", col.key)] = handled + forward - carried
    total = REQUEST_COLUMNS[-1].key
    for row in REQUEST_ROWS:
        parts = [report[request_key(row.key, c.key)] for c in APPLICANT_COLUMNS]
        report[request_key(row.key, total)] = sum(p for p in parts if isinstance(p, int))


def _outcome(rng: random.Random, zero_share: float, scale: int) -> int:
    if rng.random() < max(zero_share, 0.75):
        return 0
    high = 2 if rng.random() < _LOW_COUNT else scale
    return rng.randint(1, high)


def _carried_over(rng: random.Random, share: float, previous: Report | None, column: str) -> int:
    if previous is not None:
        value = previous[request_key("carried_forward", column)]
        if isinstance(value, int):
            return value
    return _count(rng, max(share, 0.7), 3)


def _fill_review(report: Report, rng: random.Random, zero_share: float) -> None:
    for group in REVIEW_GROUPS:
        share = max(zero_share, 0.7)
        parts = [_count(rng, share, 3) for _ in REVIEW_PARTS]
        for part, value in zip(REVIEW_PARTS, parts, strict=True):
            report[review_key(group.key, part)] = value
        report[review_key(group.key, "total")] = sum(parts)


def _fill_sections(report: Report, rng: random.Random, previous: Report | None) -> None:
    last_problems = previous.section_text("problems") if previous is not None else None
    problems = _problems(rng)
    while problems == last_problems:
        problems = _problems(rng)
    texts = {
        "overview": _overview(report, rng),
        "problems": problems,
        "other": _other(rng),
    }
    for section in SECTIONS:
        report.sections[section.key] = SectionText(section.heading, texts.get(section.key, ""))


def _pick(rng: random.Random, options: tuple[str, ...], k: int = 1) -> str:
    return "".join(rng.sample(options, k))


_AIMS = (
    "围绕全年中心工作，",
    "聚焦群众关心关注的事项，",
    "紧扣年度政务公开工作要点，",
    "坚持以公开促落实，",
)
_MANAGE = (
    "严格执行信息发布前保密审查和内容审核制度，全年未发生泄密事件。",
    "建立信息发布“三审”机制，由承办科室、分管负责人和主要负责人逐级把关。",
    "定期清理网站栏目，对过期失效信息及时标注或撤除，保证信息准确。",
)
_PLATFORM = (
    "门户网站政府信息公开专栏按标准目录分类更新，栏目设置清晰。",
    "通过政务新媒体、公示栏和便民服务大厅电子屏同步发布惠民政策。",
    "在便民服务中心设置政府信息查阅点，方便群众就近查询。",
)
_GOVERNMENT_OVERSIGHT = (
    "将政务公开纳入年度工作考核，邀请群众代表开展社会评议，"
    "对工作不力的严格落实责任追究，全年未发生责任追究情形。",
    "把政府信息公开工作列入绩效考核内容，组织社会评议{n}次，"
    "健全责任追究机制，本年度无因信息公开工作被追究责任的情况。",
)
_DEPARTMENT_OVERSIGHT = (
    "调整充实政务公开工作领导小组，明确专人负责，定期开展自查。",
    "将政务公开纳入机关内部督查，每季度通报栏目更新情况。",
)
_PROBLEMS = (
    "部分栏目信息更新不够及时，个别信息发布滞后。",
    "政策解读形式较为单一，图解、视频等解读方式运用不多。",
    "工作人员业务能力有待提升，对条例的理解还不够深入。",
    "依申请公开答复文书的规范性还需加强。",
    "公开内容与群众需求的契合度还不够高。",
)
_MEASURES = (
    "建立栏目更新台账，明确责任人和更新时限，做到及时准确。",
    "丰富解读形式，对重要政策同步制作图解和问答。",
    "组织业务培训，提高工作人员依法公开的意识和能力。",
    "规范答复文书格式，逐件审核后再送达申请人。",
    "开展群众需求调查，按需扩大公开范围。",
)
_OTHER_EXTRA = (
    "本年度认真落实上级政务公开工作要点，各项任务按期完成。",
    "本年度办理的人大代表建议和政协委员提案答复情况已按要求公开。",
    "无其他需要报告的事项。",
)


def _overview(report: Report, rng: random.Random) -> str:
    """Section 一. The stock sentences are shared by design, so each paragraph also names the
    body and its own figures: two bodies never share a whole paragraph unless one copies."""
    org, year = report.organization or "", report.year
    oversight = _GOVERNMENT_OVERSIGHT if is_government(org) else _DEPARTMENT_OVERSIGHT
    aim = rng.choice(_AIMS)
    published = rng.randint(20, 900)
    return "\n".join(
        (
            f"{year}年，{org}认真贯彻《中华人民共和国政府信息公开条例》，{aim}"
            "扎实推进政府信息公开工作。",
            f"（一）主动公开。全年主动公开政府信息{published}条。",
            f"（二）依申请公开。{_requests_sentence(report)}",
            f"（三）政府信息管理。{_pick(rng, _MANAGE, 2)}"
            f"{org}对本年度拟公开的{published}条信息逐条审核后发布。",
            f"（四）平台建设。{_pick(rng, _PLATFORM, 2)}"
            f"{year}年{org}门户网站专栏共发布信息{published}条。",
            f"（五）监督保障。{org}{rng.choice(oversight).format(n=rng.randint(1, 4))}",
        )
    )


def _requests_sentence(report: Report) -> str:
    total = REQUEST_COLUMNS[-1].key
    new = report[request_key("new", total)]
    if not new:
        return "本年度未收到政府信息公开申请。"
    handled = report[request_key("total_handled", total)]
    forward = report[request_key("carried_forward", total)]
    return f"本年度收到政府信息公开申请{new}件，办结{handled}件，结转下年度继续办理{forward}件。"


def _problems(rng: random.Random) -> str:
    problems = rng.sample(range(len(_PROBLEMS)), 3)
    lines = ["（一）存在的主要问题"]
    lines += [f"{n}是{_PROBLEMS[i]}" for n, i in zip("一二三", problems, strict=True)]
    lines.append("（二）改进情况")
    lines += [f"{n}是{_MEASURES[i]}" for n, i in zip("一二三", problems, strict=True)]
    lines.append("上年度报告所列问题已逐项整改到位。")
    return "\n".join(lines)


def _other(rng: random.Random) -> str:
    return "\n".join((FEE_SENTENCE, rng.choice(_OTHER_EXTRA)))


def spoil_report(report: Report, rng: random.Random) -> Report:
    """Give ``report`` one to three defects of the kinds officers make, in place; return it.

    The benchmarks and the tests of the validator need reports that break rules, not only
    consistent ones: a cell off by a few, a blank cell, a late or missing 落款 date, a missing
    or emptied section, a fee sentence without its amount, a narrative count that disagrees
    with Table 三. Deterministic for the state of ``rng``.
    """
    for _ in range(rng.randint(1, 3)):
        rng.choice(_REPORT_DEFECTS)(report, rng)
    return report


def spoil_text(text: str, rng: random.Random) -> str:
    """Return the report ``text`` with one or two slips of pasting: a line lost or doubled,
    a digit mistyped, stray characters. Deterministic for the state of ``rng``."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 2)):
        index = rng.randrange(len(lines))
        line = lines[index]
        slip = rng.randrange(4)
        if slip == 0:
            del lines[index]
        elif slip == 1:
            lines.insert(index, line)
        elif slip == 2 and any(c.isdigit() for c in line):
            places = [i for i, c in enumerate(line) if c.isdigit()]
            at = rng.choice(places)
            lines[index] = line[:at] + rng.choice("0123456789") + line[at + 1 :]
        else:
            at = rng.randint(0, len(line))
            lines[index] = line[:at] + rng.choice(("?", "□", "　", "）", "件", "x")) + line[at:]
    return "\n".join(lines)


def _cell_off(report: Report, rng: random.Random) -> None:
    key = rng.choice([k for k, v in report.values.items() if v is not None])
    value = report[key] or 0
    report[key] = max(0, value + rng.choice((-3, -1, 1, 2, 10)))


def _cell_blank(report: Report, rng: random.Random) -> None:
    report[rng.choice([k for k, v in report.values.items() if v is not None])] = None


def _date_wrong(report: Report, rng: random.Random) -> None:
    year = report.year or 2024
    report.published = rng.choice(
        (None, dt.date(year + 1, 2, rng.randint(1, 28)), dt.date(year, 12, 30))
    )


def _section_lost(report: Report, rng: random.Random) -> None:
    key = rng.choice(sorted(report.sections))
    if rng.random() < 0.5:
        del report.sections[key]
    else:
        report.sections[key] = SectionText(report.sections[key].heading, "")


def _fee_spoiled(report: Report, rng: random.Random) -> None:
    other = report.sections.get("other")
    if other is None:
        return
    fee = rng.choice(("", "本年度收取信息处理费1200元。", "本年度产生信息处理费。"))
    other.text = other.text.replace(FEE_SENTENCE, fee)


def _narrative_off(report: Report, rng: random.Random) -> None:
    overview = report.sections.get("overview")
    if overview is None:
        return
    wrong = f"本年度收到政府信息公开申请{rng.randint(1, 90)}件。"
    overview.text = overview.text.replace("本年度未收到政府信息公开申请。", wrong)
    overview.text = overview.text.replace("本年度收到政府信息公开申请", wrong[:-1] + "，其中申请")


def _citation_spoiled(report: Report, rng: random.Random) -> None:
    other = report.sections.get("other")
    if other is None:
        return
    wrong = rng.choice(("〔2020〕109号", "[2020]109号", "（2020）109号", "【2020】109号"))
    other.text = other.text.replace("〔2020〕109号", wrong)
    if rng.random() < 0.5:
        other.text = other.text.replace(
            "〈政府信息公开信息处理费管理办法〉", "<政府信息公开信息处理费管理办法>"
        )


def _claim_spoiled(report: Report, rng: random.Random) -> None:
    """A sentence that the tables may contradict: all closed, none received, a fee charged,
    no fee notice sent."""
    key = rng.choice(("overview", "other"))
    section = report.sections.get(key)
    if section is None:
        return
    claim = rng.choice(
        (
            "本年度收到的申请均已办结。",
            "本年度未收到政府信息公开申请。",
            "本年度收取信息处理费200元。",
            "本年度未发出收费通知。",
        )
    )
    section.text = f"{section.text}\n{claim}"


def _header_wrong(report: Report, rng: random.Random) -> None:
    choice = rng.randrange(3)
    if choice == 0:
        report.title = f"{report.organization}{(report.year or 2024) - 1}年政府信息公开工作年度报告"
    elif choice == 1:
        report.signature = None
    else:
        report.organization = rng.choice(("示例县人民政府", "样例市教育局", "某某街道办事处"))


_REPORT_DEFECTS = (
    _cell_off,
    _cell_off,
    _cell_blank,
    _date_wrong,
    _section_lost,
    _fee_spoiled,
    _narrative_off,
    _header_wrong,
    _citation_spoiled,
    _claim_spoiled,
)
