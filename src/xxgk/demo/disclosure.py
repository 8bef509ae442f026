"""The demo's 主动公开: every unit gets the default catalogue, and 清河镇 (with two items of the
transport bureau) a dozen items in every state of the review chain — published, under each
review step, drafts (one returned by the confidentiality officer), one decided not to publish,
one withdrawn, and 行政规范性文件 of which one was repealed — so that the officer pages, the
public catalogue and this year's compiled report show real numbers.

Everything goes through the library with the roles the chain needs; dates (and the years in
titles) are relative to ``today``, clamped into this year, except the document issued and
published last year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.disclosure import workflow
from xxgk.disclosure.catalogue import find_category, seed_default_catalogue
from xxgk.disclosure.items import add_attachment, create_item


@dataclass(frozen=True)
class Plan:
    """One demo item: where it goes, how far it gets, and on which day (days before today)."""

    title: str
    category: str
    body: str
    stage: str  # draft, returned, dept_review, secrecy_review, leader_approval, published,
    # withdrawn, recorded, repealed
    days_ago: int = 0
    channels: tuple[str, ...] = ("website",)
    doc: tuple[str, str] | None = None  # (kind, number)
    attribute: str = "proactive"
    reason: str = ""  # why the item was returned
    attachment: str = ""
    withheld_reason: str = ""
    on: tuple[int, int] | None = None  # a fixed (month, day) of this year instead of days_ago


QINGHE = (
    Plan(
        "清河镇{y}年财政预算公开说明",
        "财政信息/财政预算",
        "根据《中华人民共和国预算法》，现将清河镇本年度一般公共预算收支情况公开如下：一般公共"
        "预算收入安排3260万元，支出安排3190万元，其中农林水支出、社会保障和就业支出占比较大。",
        "published",
        60,
        ("website", "bulletin"),
    ),
    Plan(
        "清河镇农村道路建设项目招标公告",
        "重大建设项目",
        "清河镇{y}年农村道路硬化工程（第一标段）现公开招标，欢迎符合条件的投标人参加。"
        "招标文件见附件。",
        "published",
        45,
        ("website", "new_media"),
        attachment="招标公告.txt",
    ),
    Plan(
        "清河镇人民政府关于开展农村人居环境整治的通知",
        "法规文件/其他文件",
        "各村（居）民委员会：为改善农村人居环境，镇政府决定在全镇开展垃圾清理、污水治理和"
        "村容村貌提升行动。",
        "published",
        30,
        ("website", "bulletin"),
    ),
    Plan(
        "清河镇农村集体资产管理办法",
        "法规文件/行政规范性文件",
        "第一条 为加强农村集体资产管理，保护集体经济组织及其成员的合法权益，制定本办法。",
        "published",
        25,
        ("website",),
        doc=("normative_documents", "清政规〔{y}〕1号"),
    ),
    Plan(
        "清河镇殡葬管理暂行规定",
        "法规文件/行政规范性文件",
        "第一条 为推进殡葬改革，制定本规定。（本规定已被新规定替代。）",
        "repealed",
        0,
        ("website",),
        doc=("normative_documents", "清政规〔{last}〕2号"),
    ),
    Plan(
        "清河镇{last}年政府信息公开工作年度报告",
        "政务公开工作/政府信息公开年报",
        "本报告由清河镇人民政府编制，全文见附件。",
        "published",
        20,
        ("website",),
        attachment="年度报告.txt",
        on=(1, 20),
    ),
    Plan(
        "清河镇临时交通管制公告",
        "突发公共事件应急",
        "因道路施工，清河大道部分路段实行临时交通管制。",
        "withdrawn",
        15,
        ("website",),
    ),
    Plan(
        "清河镇第一季度安全生产检查情况",
        "监督检查/安全生产",
        "第一季度共检查企业42家，发现隐患67处，已整改61处。",
        "dept_review",
        5,
    ),
    Plan(
        "清河镇农村低保对象公示",
        "社会公益事业/社会保障",
        "经村民评议、镇审核，拟将下列家庭纳入农村最低生活保障范围。",
        "secrecy_review",
        4,
        ("website", "bulletin"),
    ),
    Plan(
        "清河镇防汛应急预案",
        "突发公共事件应急",
        "为做好防汛工作，保障人民群众生命财产安全，制定本预案。",
        "leader_approval",
        3,
    ),
    Plan(
        "清河镇{y}年重点工作计划",
        "规划计划",
        "一、抓好农业生产；二、推进道路建设；三、改善人居环境。",
        "draft",
        2,
    ),
    Plan(
        "清河镇征地补偿标准及被征地农户名单",
        "财政信息",
        "征地补偿标准为每亩……（名单附后）",
        "returned",
        2,
        ("website", "bulletin"),
        reason="名单含身份证号码等个人信息，须删除后重新报审",
    ),
    Plan(
        "清河镇机关内部考勤管理规定",
        "机构职能/内设机构",
        "机关工作人员考勤实行签到制度。",
        "recorded",
        10,
        (),
        attribute="withheld",
        withheld_reason="internal_affairs",
    ),
)
JIAOTONG = (
    Plan(
        "示例县交通运输局{y}年公路养护计划",
        "规划计划",
        "全年计划养护县道126公里、乡道318公里，重点整治桥梁12座。",
        "published",
        35,
    ),
    Plan(
        "示例县交通运输局行政处罚裁量基准",
        "法规文件/行政规范性文件",
        "为规范交通运输行政处罚裁量权，制定本基准。",
        "published",
        12,
        doc=("normative_documents", "示交规〔{y}〕1号"),
    ),
)
# How many review steps sign each stage's item (a returned one: the reviewer, then the
# confidentiality officer returns it).
APPROVALS = {
    "dept_review": 0,
    "secrecy_review": 1,
    "leader_approval": 2,
    "published": 3,
    "withdrawn": 3,
    "recorded": 3,
    "repealed": 3,
    "returned": 1,
}


def seed_disclosure(
    session: Session, units: dict[str, Unit], users: dict[str, User], today: dt.date
) -> int:
    """Give every unit its catalogue and create the demo items; return the items made."""
    for unit in units.values():
        seed_default_catalogue(session, users["admin"], unit)
    chains = (
        (
            units["qinghe"],
            QINGHE,
            ["qinghe-clerk", "qinghe-reviewer", "qinghe-secrecy", "qinghe-leader"],
        ),
        (
            units["jiaotong"],
            JIAOTONG,
            ["jiaotong-clerk", "county-admin", "jiaotong-secrecy", "jiaotong-leader"],
        ),
    )
    made = 0
    for unit, plans, names in chains:
        signers = [users[n] for n in names]
        for plan in plans:
            _make(session, unit, signers, plan, today)
            made += 1
    return made


def _make(session: Session, unit: Unit, signers: list[User], plan: Plan, today: dt.date) -> None:
    author, reviewer, secrecy, leader = signers
    start = dt.date(today.year, 1, 1)
    day = max(today - dt.timedelta(days=plan.days_ago), start)
    if plan.on is not None:  # e.g. last year's annual report, published by 31 January
        day = min(dt.date(today.year, *plan.on), today)
    if plan.stage == "repealed":  # issued and published last year, repealed this year
        issued, day = dt.date(today.year - 1, 3, 10), dt.date(today.year - 1, 3, 16)
    else:
        issued = max(day - dt.timedelta(days=5), start)
    kind, number = plan.doc or (None, "")
    years = {"y": today.year, "last": today.year - 1}
    item = create_item(
        session,
        author,
        unit,
        title=plan.title.format(**years),
        category=find_category(session, unit, plan.category),
        body=plan.body.format(**years),
        doc_kind=kind,
        doc_number=number.format(**years),
        document_date=issued if kind else None,
        channels=plan.channels,
        attribute=plan.attribute,
        withheld_reason=plan.withheld_reason,
    )
    if plan.attachment:
        text = f"{item.title}\n\n{item.body}\n"
        add_attachment(session, author, item, plan.attachment, text.encode("utf-8"))
    if plan.stage == "draft":
        return
    workflow.submit(session, author, item)
    for step, signer in enumerate((reviewer, secrecy, leader)[: APPROVALS[plan.stage]]):
        workflow.approve(session, signer, item, on=day if step == 2 else None)
    if plan.stage == "returned":
        workflow.return_for_revision(session, secrecy, item, plan.reason)
        return
    if plan.stage == "withdrawn":
        workflow.withdraw(session, leader, item, "管制已结束，公告不再有效", on=today)
    if plan.stage == "repealed":
        repealed = max(today - dt.timedelta(days=40), start)
        workflow.repeal(session, author, item, repealed)
