"""Every finding the parser can make, registered once with its Chinese wording.

They sit beside ``findings`` (below the parser) so that the rules and the finding catalogue
know them without importing the parser.

Codes are kebab-case, start with ``parse-`` and are never renamed. A finding names the
place in the source (``{place}``) and the cells it concerns, so a person can go back to
the printed report and see what was read.
"""

from __future__ import annotations

from collections.abc import Iterable

from xxgk.findings import Finding, FindingKind, Severity, register_kind

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
TAGS = ("#parse",)


def _kind(code: str, severity: Severity, title: str, template: str, description: str) -> str:
    register_kind(FindingKind(code, severity, title, template, description, TAGS))
    return code


ENCODING_GUESSED = _kind(
    "parse-encoding-guessed",
    INFO,
    "文本编码为推测",
    "文件没有编码标记，按推测的“{encoding}”编码读取",
    "文件未标明编码时只能推测；推测错误会使文字变成乱码，应核对读出的文字。",
)
TABLE_MISSING = _kind(
    "parse-table-missing",
    E,
    "缺少表格",
    "未找到{table}，其中各项数值均无法读取",
    "国办公开办函〔2021〕30号规定的年度报告必须包含三张固定表格，缺表即无法核对数据。",
)
SECTION_MISSING = _kind(
    "parse-section-missing",
    W,
    "缺少部分",
    "未找到第{number}部分“{title}”的标题",
    "年度报告应按六个部分编写；找不到标题时，该部分的文字无法单独读取。",
)
HEADING_VARIANT = _kind(
    "parse-heading-variant",
    INFO,
    "部分标题与标准不同",
    "{place}的“{text}”被视为第{number}部分“{title}”的标题",
    "标题措辞与标准格式不同，按编号和位置识别；请确认识别正确。",
)
CELL_MISSING = _kind(
    "parse-cell-missing",
    W,
    "数值缺失",
    "{row}缺少数值{detail}",
    "表格中应有数值的单元格没有读到数值，该单元格按空值处理，不会当作零。",
)
CELL_BLANK = _kind(
    "parse-cell-blank",
    W,
    "单元格为空白",
    "{place}{cell}为空白，按无数值处理",
    "统计表的每个单元格都应填写数值，没有发生的事项应填0；空白无法与漏填区分。",
)
CELL_PLACEHOLDER = _kind(
    "parse-cell-placeholder",
    INFO,
    "单元格填写占位符",
    "{place}{cell}填写为“{text}”，按无数值处理",
    "“/”“—”“无”等符号表示没有数值，不能当作零参与计算。",
)
VALUE_INVALID = _kind(
    "parse-value-invalid",
    W,
    "数值无法识别",
    "{place}{cell}的“{text}”不是有效的数值",
    "件数应为非负整数，金额应为数字；无法识别的内容不参与计算。",
)
ROW_SURPLUS = _kind(
    "parse-row-surplus",
    W,
    "一行中数值多于列数且无法确定对应关系",
    "{place}{row}有{count}个数值，多于{expected}列，无法确定多出的是哪一个；按前{expected}个读取：{numbers}",
    "数值个数多于列数时，各数值对应哪一列无法确定，读出的数值可能错位。",
)
ROW_SURPLUS_RESOLVED = _kind(
    "parse-row-surplus-resolved",
    INFO,
    "一行中数值多于列数",
    "{place}{row}有{count}个数值，多于{expected}列；{how}",
    "复制表格时常多出空列或重复数值；已按总计关系或数值一致性确定对应关系。",
)
ROW_SHORT = _kind(
    "parse-row-short",
    W,
    "一行中数值少于列数",
    "{place}{row}只有{count}个数值（{numbers}），少于{expected}列；无法确定各数值属于哪一列，"
    "整行按无数值处理",
    "数值个数少于列数时，空白的可能是任何一列，按顺序填入会使其后的数值错位，因此不猜测。",
)
SPLIT_AMBIGUOUS = _kind(
    "parse-split-ambiguous",
    W,
    "连在一起的数字无法唯一拆分",
    "{place}{row}的数字“{digits}”连在一起，拆成{expected}个数值有多种可能（{candidates}），"
    "无法确定的单元格按无数值处理",
    "网页或PDF文字丢失了单元格边界时，只能按表内勾稽关系拆分数字；有多种拆分都符合时不猜测。",
)
SPLIT_DECODED = _kind(
    "parse-split-decoded",
    INFO,
    "按勾稽关系拆分了连在一起的数字",
    "表格文字丢失了单元格边界，{rows}行连在一起的数字已按表内勾稽关系唯一拆分",
    "拆分结果是唯一符合各行、各列勾稽关系的读法；如原表本身不平衡，请核对原件。",
)
RULES_ROW_ABSENT = _kind(
    "parse-rules-row-absent",
    INFO,
    "表二未列“规章”行",
    "表二未列“规章”行，按本年制发、废止、现行有效均为0读取",
    "没有规章制定权的部门和乡镇常省略“规章”行；省略即表示没有规章，按0处理。",
)
OTHER_AS_ONE_ROW = _kind(
    "parse-other-one-row",
    INFO,
    "（六）其他处理只填了一行",
    "{place}“（六）其他处理”只填了一行且为0，其下三项均按0读取",
    "三项都是非负数且合计为0，所以每一项都只能是0。",
)
PAGE_DATE_DIFFERS = _kind(
    "parse-page-date-differs",
    INFO,
    "网页发布日期与落款日期不同",
    "网页标注的发布日期{page_date}与报告落款日期{signed}不同；两者均已保存，按落款日期判断是否按时发布",
    "网页的发布时间是上网时间，落款日期是成文日期；两者不同时按落款日期判断，并保留网页日期备查。",
)
TABLE_UNREADABLE = _kind(
    "parse-table-unreadable",
    E,
    "表格无法读取",
    "找到了{table}，但其中{rows}行没有读到数值，该表各项数值均无法核对",
    "表格的行名或数值排版无法识别时，整张表按无数值处理；请核对原件或换用其他格式的文件。",
)
SECTIONS_UNREAD = _kind(
    "parse-sections-unread",
    E,
    "未找到各部分标题",
    "未找到六个部分中任何一个部分的标题，正文无法分部分读取",
    "年度报告应按六个部分编写；一个标题也找不到时，通常是文字排版无法识别，请核对原件。",
)
LABEL_UNMATCHED = _kind(
    "parse-label-unmatched",
    W,
    "无法识别的表格文字",
    "{place}的“{text}”不是{table}中的行名或列名",
    "表格中出现标准格式之外的文字，可能是改动了表格或行名写错，相关数值可能未被读取。",
)
LABEL_FUZZY = _kind(
    "parse-label-fuzzy",
    INFO,
    "行名与标准格式不完全一致",
    "{place}的“{text}”按近似匹配识别为“{label}”",
    "行名有错别字或被截断时按近似匹配识别；请确认识别正确。",
)
ROW_DUPLICATE = _kind(
    "parse-row-duplicate",
    W,
    "同一行出现两次",
    "{place}{row}再次出现，已忽略第二次的数值",
    "同一行重复出现时无法判断哪一次正确，只采用第一次读到的数值。",
)
GROUP_VALUES = _kind(
    "parse-group-values",
    W,
    "分组标题行填写了数值",
    "{place}分组“{group}”本身填写了数值（{numbers}），已忽略",
    "（三）至（六）等分组标题只是其下各项的标题，没有自己的数值；在其上填数容易造成重复计算。",
)
LEGAL_PERSONS_MERGED = _kind(
    "parse-legal-persons-merged",
    W,
    "法人或其他组织未分列",
    "{table}只列出“法人或其他组织”合计一列，未分列商业企业、科研机构、社会公益组织、"
    "法律服务机构和其他；这五列按无数值处理，合计数另行保存",
    "标准格式要求把法人或其他组织分为五列填报；合并成一列时无法拆分，不能猜测。",
)
MERGED_TOTAL_MISMATCH = _kind(
    "parse-merged-total-mismatch",
    W,
    "自然人与法人合计之和不等于总计",
    "{place}{row}：自然人（{natural}）加法人或其他组织（{legal}）不等于总计（{total}）",
    "只有合计列时，至少可以核对自然人与法人或其他组织之和是否等于总计。",
)
EXTRA_COLUMN = _kind(
    "parse-extra-column",
    W,
    "表头中有标准格式之外的列",
    "{place}{table}表头有标准格式之外的一列“{label}”，其数值未计入任何单元格，另行保存",
    "标准格式之外的列（如“小计”）不是规范数据的一部分；按表头位置跳过，不让它挤占其他列。",
)
HEADER_MISSING = _kind(
    "parse-header-missing",
    INFO,
    "未找到表头",
    "{table}未找到完整的表头，按标准格式的列顺序读取",
    "没有表头时只能假定列的顺序与标准格式相同。",
)
COLUMNS_REORDERED = _kind(
    "parse-columns-reordered",
    INFO,
    "表格列顺序与标准格式不同",
    "{place}{table}表头的列顺序为“{order}”，与标准格式不同，已按表头顺序读取各列数值",
    "标准格式中表三的申请人列依次为自然人、法人或其他组织（五列）、总计，表四依次为行政复议、"
    "未经复议直接起诉、复议后起诉。表头顺序不同时按表头读取，各行的合计关系仍然成立，"
    "无法据此发现读错的列；请核对各列数值是否与原表一致。",
)
FORMAT_2019 = _kind(
    "parse-format-2019",
    INFO,
    "旧版（试行）格式",
    "报告使用国办公开办函〔2019〕60号的试行格式，已按标准格式对应转换",
    "2019、2020年度报告使用试行格式，表二和表三（六）与2021年标准格式不同，只能部分对应。",
)
LEGACY_UNMAPPED = _kind(
    "parse-legacy-unmapped",
    INFO,
    "旧格式中没有对应数值",
    "{cell}在试行格式中没有含义相同的数值，按无数值处理",
    "试行格式与标准格式的统计口径不同，口径不同的数值不能直接换算。",
)
METADATA_MISSING = _kind(
    "parse-metadata-missing",
    INFO,
    "未读到报告信息",
    "未能从标题、落款或正文中读出{field}",
    "报告主体、年度和发布日期用于判断是否按时发布、是否与上年一致。",
)
OUT_OF_ORDER = _kind(
    "parse-row-out-of-order",
    INFO,
    "行的顺序与标准格式不同",
    "{place}{row}出现在标准格式中它之前的行之后",
    "标准格式的行顺序是固定的；顺序不同的表格可能被改动过。",
)
PAGE_WITHOUT_TEXT = register_kind(
    FindingKind(
        "parse-pdf-page-without-text",
        W,
        "PDF页面没有文字层",
        "第{page}页没有文字层（可能是扫描页），该页的内容未能读取",
        "扫描页只有图像，不经文字识别无法读取其中的文字和数值，相关表格可能缺失。",
        ("#parse", "#pdf"),
    )
).code
DIGIT_ACROSS_RULING = register_kind(
    FindingKind(
        "parse-pdf-digit-across-ruling",
        W,
        "数字压在表格线上",
        "第{page}页表格中的数字“{digit}”压在单元格的边线上，该单元格和相邻单元格的数值可能读错，请与原件核对",
        "PDF中一个数字横跨两个单元格之间的表格线（常见于单元格内容缩进过多、超出格宽），"
        "无法确定它属于哪个单元格：按其中心归入一格，可能把两格的数值连在一起。",
        ("#parse", "#pdf"),
    )
).code
# Reading scans by OCR (parse.ocr, parse.ocr_doubt)
OCR_UNREAD = register_kind(
    FindingKind(
        "parse-ocr-unread",
        W,
        "表格中有字迹未能识别",
        "{place}表格单元格中有字迹，但文字识别未能读出，按无数值处理，请对照原件核对",
        "扫描件中的数字模糊、涂改或被印章遮挡时，文字识别可能读不出；读不出的数值不会被猜测或当作零。",
        ("#parse", "#ocr"),
    )
).code
OCR_PAGES = register_kind(
    FindingKind(
        "parse-ocr-pages",
        INFO,
        "经文字识别读取",
        "{pages}没有文字层，已经文字识别（OCR）读取；识别把握不足的数值另行提示",
        "扫描页的数值由文字识别读出，可能有个别误读；存疑的数值均单独列出，请对照原件核对。",
        ("#parse", "#ocr"),
    )
).code
OCR_SKIPPED = register_kind(
    FindingKind(
        "parse-ocr-skipped",
        W,
        "扫描页未能全部识别",
        "{pages}未能在“扫描件文字识别时间”的上限{budget}秒内完成文字识别，未予读取，其中的内容"
        "未经检查（已优先识别首页和表格所在页面；管理员可设置环境变量XXGK_LIMIT_OCR_SECONDS"
        "提高上限）",
        "扫描件逐页文字识别较慢。时间上限内先识别首页和统计表格所在的页面，其余页面在时间允许时"
        "识别；未识别页面上的正文（如收费情况、存在的问题）没有读取，相关检查结果可能不完整，"
        "请对照原件核对或上传带文字层的文件。",
        ("#parse", "#ocr"),
    )
).code
OCR_DOUBT = register_kind(
    FindingKind(
        "parse-ocr-doubt",
        W,
        "文字识别结果存疑",
        "{cell}经文字识别读作“{actual}”，{reason}；可能的读法：{candidates}。请对照原件核对",
        "扫描件的数值由文字识别读出。识别把握不足、与勾稽关系矛盾或一行中数字个数不对的读数都会"
        "列出，不会自行改动或猜测；勾稽关系只用来印证读数，不用来替代读数。",
        ("#parse", "#ocr"),
    )
).code


def pages_left_unread(findings: Iterable[Finding]) -> bool:
    """True when a long scan's recognition ran out of time and left pages unread
    (``OCR_SKIPPED``): what those pages hold is unknown, so nothing may be called absent."""
    return any(f.code == OCR_SKIPPED for f in findings)
