"""The standard format of 国办公开办函〔2021〕30号, declared once as data.

Every label, alias, row, column and canonical key of the three fixed tables lives here; the
parser, the rules, the renderers and the exports read them from this module. Nothing else in
the code base spells a table label or a cell key.

Cell keys are the paths of ``shared/spec/canonical-report.md``: ``active.rules.issued``,
``active.fees``, ``requests.granted.total``, ``review_litigation.review.pending``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CellKind = Literal["count", "amount"]
TableKey = Literal["active", "requests", "review_litigation"]


@dataclass(frozen=True)
class Column:
    """A printed column: its key, its printed label and the variants seen in the wild."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """A printed row of a table.

    ``group`` is the printed group label the row sits under (（三）不予公开 …), ``number`` the
    item marker printed before the label (``一、``, ``（一）``, ``1.``).
    """

    key: str
    label: str
    number: str = ""
    group: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def printed(self) -> str:
        """The label as printed in the official template, with its item marker."""
        return f"{self.number}{self.label}"


@dataclass(frozen=True)
class ActiveBlock:
    """One block of Table 二: a 条例 art. 20 item with its columns and rows."""

    key: str
    header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Cell:
    """One canonical cell: its key, table, row and column keys, and kind."""

    key: str
    table: TableKey
    row: str
    column: str
    kind: CellKind = "count"
    label: str = ""


@dataclass(frozen=True)
class Section:
    """One of the six sections of every report."""

    key: str
    number: str
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


# --- sections -------------------------------------------------------------------------------

SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况"),
    Section("active", "二", "主动公开政府信息情况", ("主动公开情况",)),
    Section(
        "requests",
        "三",
        "收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请", "依申请公开情况"),
    ),
    Section(
        "review_litigation",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        ("政府信息公开行政复议行政诉讼情况", "行政复议、行政诉讼情况"),
    ),
    Section("problems", "五", "存在的主要问题及改进情况", ("存在的主要问题和改进情况",)),
    Section("other", "六", "其他需要报告的事项", ("其他需要报告的事情",)),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

# --- Table 二: 主动公开政府信息情况 -----------------------------------------------------------

ITEM_CONTENT_HEADER = "信息内容"

_DOC_COLUMNS = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)
_DECISIONS = (Column("count", "本年处理决定数量"),)

ACTIVE_BLOCKS: tuple[ActiveBlock, ...] = (
    ActiveBlock(
        "documents",
        "第二十条第（一）项",
        _DOC_COLUMNS,
        (
            Row("rules", "规章"),
            Row("normative_documents", "行政规范性文件", aliases=("规范性文件",)),
        ),
    ),
    ActiveBlock("licensing", "第二十条第（五）项", _DECISIONS, (Row("licensing", "行政许可"),)),
    ActiveBlock(
        "punishment_enforcement",
        "第二十条第（六）项",
        _DECISIONS,
        (Row("punishment", "行政处罚"), Row("enforcement", "行政强制")),
    ),
    ActiveBlock(
        "fees",
        "第二十条第（八）项",
        (Column("amount", "本年收费金额（单位：万元）", ("本年收费金额", "收费金额")),),
        (Row("fees", "行政事业性收费"),),
    ),
)

# --- Table 三: 收到和处理政府信息公开申请情况 --------------------------------------------------

REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADER = "申请人情况"
LEGAL_PERSON_GROUP = "法人或其他组织"

REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other", "其他"),
    Column("total", "总计", ("合计",)),
)
APPLICANT_COLUMNS = REQUEST_COLUMNS[:6]
LEGAL_PERSON_COLUMNS = REQUEST_COLUMNS[1:6]
LEGAL_PERSONS_MERGED = "legal_persons"
"""Some reports print Table 三 with one 法人或其他组织 column instead of its five: that column
has no canonical cell, so its values are kept in ``Report.legacy`` as
``requests.<row>.legal_persons`` and the five canonical columns stay empty."""
RESULTS_GROUP = "三、本年度办理结果"

G_DENIED = "（三）不予公开"
G_UNAVAILABLE = "（四）无法提供"
G_NOT_PROCESSED = "（五）不予处理"
G_OTHER = "（六）其他处理"

REQUEST_ROWS: tuple[Row, ...] = (
    Row("new", "本年新收政府信息公开申请数量", "一、"),
    Row("carried_over", "上年结转政府信息公开申请数量", "二、"),
    Row("granted", "予以公开", "（一）", RESULTS_GROUP),
    Row(
        "partially_granted",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）",
        RESULTS_GROUP,
        ("部分公开",),
    ),
    Row("denied_state_secret", "属于国家秘密", "1.", G_DENIED),
    Row(
        "denied_prohibited_by_law",
        "其他法律行政法规禁止公开",
        "2.",
        G_DENIED,
        ("其他法律和行政法规禁止公开", "其他法律、行政法规禁止公开"),
    ),
    Row("denied_security_stability", "危及“三安全一稳定”", "3.", G_DENIED),
    Row("denied_third_party", "保护第三方合法权益", "4.", G_DENIED),
    Row("denied_internal_affairs", "属于三类内部事务信息", "5.", G_DENIED),
    Row("denied_process_info", "属于四类过程性信息", "6.", G_DENIED),
    Row("denied_enforcement_file", "属于行政执法案卷", "7.", G_DENIED),
    Row("denied_inquiry", "属于行政查询事项", "8.", G_DENIED),
    Row("unavailable_not_held", "本机关不掌握相关政府信息", "1.", G_UNAVAILABLE),
    Row("unavailable_needs_creation", "没有现成信息需要另行制作", "2.", G_UNAVAILABLE),
    Row("unavailable_unclear", "补正后申请内容仍不明确", "3.", G_UNAVAILABLE),
    Row("not_processed_petition", "信访举报投诉类申请", "1.", G_NOT_PROCESSED),
    Row("not_processed_duplicate", "重复申请", "2.", G_NOT_PROCESSED),
    Row("not_processed_publication", "要求提供公开出版物", "3.", G_NOT_PROCESSED),
    Row("not_processed_excessive", "无正当理由大量反复申请", "4.", G_NOT_PROCESSED),
    Row(
        "not_processed_confirmation",
        "要求行政机关确认或重新出具已获取信息",
        "5.",
        G_NOT_PROCESSED,
    ),
    Row(
        "other_no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.",
        G_OTHER,
        ("申请人无正当理由逾期不补正、行政机关不再受理其政府信息公开申请",),
    ),
    Row(
        "other_no_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.",
        G_OTHER,
        ("申请人逾期未按收费通知要求缴纳费用、行政机关不再受理其政府信息公开申请",),
    ),
    Row("other_other", "其他", "3.", G_OTHER),
    Row("total_handled", "总计", "（七）", RESULTS_GROUP, ("合计",)),
    Row("carried_forward", "结转下年度继续办理", "四、"),
)
REQUEST_ROW_BY_KEY = {r.key: r for r in REQUEST_ROWS}
OUTCOME_ROWS: tuple[Row, ...] = REQUEST_ROWS[2:23]
"""The 21 outcome rows from ``granted`` to ``other_other``, summed by （七）总计."""
REQUEST_GROUPS: tuple[str, ...] = (G_DENIED, G_UNAVAILABLE, G_NOT_PROCESSED, G_OTHER)

# --- Table 四: 行政复议、行政诉讼情况 ---------------------------------------------------------

REVIEW_HEADER = "行政复议"
LITIGATION_HEADER = "行政诉讼"

REVIEW_GROUPS: tuple[Column, ...] = (
    Column("review", "行政复议"),
    Column("litigation_direct", "未经复议直接起诉"),
    Column("litigation_after_review", "复议后起诉"),
)
REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", ("合计",)),
)
REVIEW_PARTS: tuple[str, ...] = tuple(c.key for c in REVIEW_COLUMNS[:4])

# --- the old 试行 format of 国办公开办函〔2019〕60号 (report years 2019 and 2020) ---

FORMAT_2021 = "2021"
FORMAT_2019 = "2019"

LEGACY_ACTIVE_COLUMNS: tuple[Column, ...] = (
    Column("made", "本年新制作数量"),
    Column("published", "本年新公开数量"),
    Column("total_public", "对外公开总数量"),
)
LEGACY_ITEM_COLUMNS: tuple[Column, ...] = (
    Column("previous_items", "上一年项目数量"),
    Column("change", "本年增/减", ("本年增减", "本年增／减")),
    Column("decisions", "处理决定数量"),
)
LEGACY_PROCUREMENT_COLUMNS: tuple[Column, ...] = (
    Column("items", "采购项目数量"),
    Column("amount", "采购总金额"),
)
LEGACY_ACTIVE_ROWS: tuple[Row, ...] = (
    Row("rules", "规章"),
    Row("normative_documents", "规范性文件", aliases=("行政规范性文件",)),
    Row("licensing", "行政许可"),
    Row("other_services", "其他对外管理服务事项"),
    Row("punishment", "行政处罚"),
    Row("enforcement", "行政强制"),
    Row("fees", "行政事业性收费"),
    Row("procurement", "政府集中采购"),
)
_LEGACY_ROW = {r.key: r for r in LEGACY_ACTIVE_ROWS}
LEGACY_ACTIVE_BLOCKS: tuple[ActiveBlock, ...] = (
    ActiveBlock(
        "documents",
        ACTIVE_BLOCKS[0].header,
        LEGACY_ACTIVE_COLUMNS,
        (_LEGACY_ROW["rules"], _LEGACY_ROW["normative_documents"]),
    ),
    ActiveBlock(
        "licensing",
        ACTIVE_BLOCKS[1].header,
        LEGACY_ITEM_COLUMNS,
        (_LEGACY_ROW["licensing"], _LEGACY_ROW["other_services"]),
    ),
    ActiveBlock(
        "punishment_enforcement",
        ACTIVE_BLOCKS[2].header,
        LEGACY_ITEM_COLUMNS,
        (_LEGACY_ROW["punishment"], _LEGACY_ROW["enforcement"]),
    ),
    ActiveBlock("fees", ACTIVE_BLOCKS[3].header, LEGACY_ITEM_COLUMNS[:2], (_LEGACY_ROW["fees"],)),
    ActiveBlock(
        "procurement",
        "第二十条第（九）项",
        LEGACY_PROCUREMENT_COLUMNS,
        (_LEGACY_ROW["procurement"],),
    ),
)
"""Table 二 as the 2019 trial format prints it; its values live in ``Report.legacy`` under
``active.<row>.<column>``."""
LEGACY_AMOUNT_KEYS = frozenset({"active.procurement.amount"})
LEGACY_ABSENT_REQUEST_ROWS = ("other_no_correction", "other_no_fee")
"""Table 三 rows the 2019 format does not have: its （六）其他处理 is one row, kept in
``other_other``."""


def active_blocks_for(format_version: str) -> tuple[ActiveBlock, ...]:
    """Return Table 二's blocks as a report of ``format_version`` prints them."""
    return LEGACY_ACTIVE_BLOCKS if format_version == FORMAT_2019 else ACTIVE_BLOCKS


def request_rows_for(format_version: str) -> tuple[Row, ...]:
    """Return Table 三's rows as a report of ``format_version`` prints them.

    In the 2019 format （六）其他处理 is a single row directly under 三、本年度办理结果.
    """
    if format_version != FORMAT_2019:
        return REQUEST_ROWS
    rows: list[Row] = []
    for row in REQUEST_ROWS:
        if row.key in LEGACY_ABSENT_REQUEST_ROWS:
            continue
        if row.key == "other_other":
            row = Row(row.key, G_OTHER.removeprefix("（六）"), "（六）", RESULTS_GROUP)
        rows.append(row)
    return tuple(rows)


FORMAT_2021_MARKERS: tuple[str, ...] = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年收费金额",
    "逾期不补正",
    "逾期未按收费通知",
)
FORMAT_2019_MARKERS: tuple[str, ...] = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "其他对外管理服务事项",
    "第二十条第（九）项",
    "政府集中采购",
    "采购总金额",
)

# --- the canonical cells ----------------------------------------------------------------------


def _active_cells() -> list[Cell]:
    cells = []
    for block in ACTIVE_BLOCKS:
        for row in block.rows:
            if block.key == "documents":
                cells += [
                    Cell(f"active.{row.key}.{c.key}", "active", row.key, c.key, label=row.label)
                    for c in block.columns
                ]
            else:
                kind: CellKind = "amount" if row.key == "fees" else "count"
                cells.append(Cell(f"active.{row.key}", "active", row.key, "", kind, row.label))
    return cells


def _request_cells() -> list[Cell]:
    return [
        Cell(f"requests.{r.key}.{c.key}", "requests", r.key, c.key, label=r.label)
        for r in REQUEST_ROWS
        for c in REQUEST_COLUMNS
    ]


def _review_cells() -> list[Cell]:
    return [
        Cell(f"review_litigation.{g.key}.{c.key}", "review_litigation", g.key, c.key, label=g.label)
        for g in REVIEW_GROUPS
        for c in REVIEW_COLUMNS
    ]


CELLS: tuple[Cell, ...] = tuple(_active_cells() + _request_cells() + _review_cells())
"""All 200 canonical cells in printed order."""
CELL_BY_KEY: dict[str, Cell] = {c.key: c for c in CELLS}
CELL_KEYS: tuple[str, ...] = tuple(CELL_BY_KEY)


def request_key(row: str, column: str) -> str:
    """Return the cell key of Table 三 at ``row`` × ``column``."""
    return f"requests.{row}.{column}"


def review_key(group: str, column: str) -> str:
    """Return the cell key of Table 四 at ``group`` × ``column``."""
    return f"review_litigation.{group}.{column}"


def cell_title(key: str) -> str:
    """Return a Chinese description of a cell for messages: 表三“予以公开”行“自然人”列."""
    cell = CELL_BY_KEY[key]
    if cell.table == "requests":
        row = REQUEST_ROW_BY_KEY[cell.row]
        col = next(c for c in REQUEST_COLUMNS if c.key == cell.column)
        return f"表三“{row.printed}”行“{col.label}”列"
    if cell.table == "review_litigation":
        group = next(g for g in REVIEW_GROUPS if g.key == cell.row)
        col = next(c for c in REVIEW_COLUMNS if c.key == cell.column)
        return f"表四“{group.label}”组“{col.label}”列"
    if cell.column:
        col = next(c for c in _DOC_COLUMNS if c.key == cell.column)
        return f"表二“{cell.label}”行“{col.label}”列"
    return f"表二“{cell.label}”行"


@dataclass(frozen=True)
class Relation:
    """A 勾稽 relation: ``total`` must equal the sum of ``parts`` (and ``minus`` subtracted)."""

    code: str
    total: tuple[str, ...]
    parts: tuple[str, ...]
    description: str = ""


def _relations() -> list[Relation]:
    rels = []
    for row in REQUEST_ROWS:
        rels.append(
            Relation(
                "requests-row-total",
                (request_key(row.key, "total"),),
                tuple(request_key(row.key, c.key) for c in APPLICANT_COLUMNS),
                f"“{row.printed}”行：总计等于六类申请人之和",
            )
        )
    for col in REQUEST_COLUMNS:
        rels.append(
            Relation(
                "requests-column-total",
                (request_key("total_handled", col.key),),
                tuple(request_key(r.key, col.key) for r in OUTCOME_ROWS),
                f"“{col.label}”列：（七）总计等于21项办理结果之和",
            )
        )
        rels.append(
            Relation(
                "requests-balance",
                (request_key("total_handled", col.key), request_key("carried_forward", col.key)),
                (request_key("new", col.key), request_key("carried_over", col.key)),
                f"“{col.label}”列：第一项加第二项之和等于第三项加第四项之和",
            )
        )
    for group in REVIEW_GROUPS:
        rels.append(
            Relation(
                "review-group-total",
                (review_key(group.key, "total"),),
                tuple(review_key(group.key, c) for c in REVIEW_PARTS),
                f"“{group.label}”：总计等于维持、纠正、其他、尚未审结之和",
            )
        )
    return rels


RELATIONS: tuple[Relation, ...] = tuple(_relations())
"""Every 勾稽 relation of canonical-report.md, one per row, column or group."""
