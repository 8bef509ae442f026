"""Letters of a case (文书) as DOCX from templates, in the 公文 style.

A template is an ordinary Word file with docxtpl (Jinja2) fields such as ``{{ number }}``; a
unit downloads the shipped default, edits it in Word or WPS and uploads it back. The defaults
are built here with python-docx (A4, 公文 margins, 方正小标宋 title, 仿宋 body, 28 pt lines), so
their wording lives in this file and nowhere else. The variable paragraphs of a letter (what to
correct, the decision and its article) come from the library as ``body``; every value they use
is also a field of its own, so a unit's template may word them differently.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from xxgk.errors import RenderError
from xxgk.limits import LimitError
from xxgk.render.fonts import OFFICIAL_FONTS


@dataclass(frozen=True)
class LetterLayout:
    """The fixed text of one letter kind: its title and the paragraphs around ``body``."""

    title: str
    addressee: str
    opening: str
    closing: tuple[str, ...] = ()
    remedy: bool = False


COMMON_FIELDS: dict[str, str] = {
    "number": "文号，如 清政信补〔2026〕3号",
    "issuer": "发文机关（落款）",
    "office": "政府信息公开工作机构",
    "applicant": "申请人姓名或名称",
    "application_number": "申请登记编号",
    "received_on": "收到申请日期（条例第三十一条）",
    "request_text": "申请内容（按登记）",
    "issued_on": "文书日期",
    "due_on": "答复期限",
    "review_body": "行政复议机关",
    "court": "人民法院",
    "address": "联系地址",
    "phone": "联系电话",
    "body": "正文段落（列表，按办理情况生成）",
    "remedy": "救济途径告知句",
}
"""Fields every letter template may use, with their meaning (shown on the template page)."""

KIND_FIELDS: dict[str, dict[str, str]] = {
    "receipt": {},
    "correction": {"items": "需补正的事项（列表）", "correction_days": "补正期限（工作日）"},
    "consultation": {
        "party": "被征求意见的第三方或机关",
        "basis": "条例第三十二条或第三十四条",
        "answer_days": "答复期限（工作日，15）",
    },
    "extension": {
        "reason": "延期理由",
        "approved_by": "批准人（政府信息公开工作机构负责人）",
        "approved_on": "批准日期",
        "extension_days": "延长的工作日数（不超过20）",
        "new_due_on": "延长后的答复期限",
    },
    "art35": {"custom_due_on": "另行确定的答复期限（如有）", "reply_by": "说明理由的期限"},
    "fee": {
        "fee_method": "计收方式（按件或按量）",
        "fee_count": "件数或页数",
        "fee_amount": "金额（元）",
        "fee_lines": "计算过程（列表）",
        "pay_how": "缴费方式",
    },
    "reply": {
        "outcome": "办理结果（表三行）",
        "basis": "所依据的条款",
        "reason": "理由",
        "how_to_obtain": "获取方式",
        "holder": "掌握该信息的机关及联系方式",
    },
}

_RECEIVED = (
    "本机关于{{ received_on }}收到您提出的政府信息公开申请"
    "（登记编号：{{ application_number }}），申请内容为：“{{ request_text }}”。"
)
LAYOUTS: dict[str, LetterLayout] = {
    "receipt": LetterLayout(
        title="政府信息公开申请登记回执",
        addressee="{{ applicant }}：",
        opening=(
            "本机关已收到您提出的政府信息公开申请，登记编号为{{ application_number }}，"
            "申请内容为：“{{ request_text }}”。"
        ),
        closing=(
            "依照《中华人民共和国政府信息公开条例》第三十一条，本机关收到申请的日期为"
            "{{ received_on }}。依照条例第三十三条，本机关将于{{ due_on }}前作出答复；"
            "需要延长答复期限的，将另行书面告知。",
        ),
    ),
    "correction": LetterLayout(
        title="政府信息公开申请补正告知书",
        addressee="{{ applicant }}：",
        opening=(_RECEIVED + "经审查，该申请内容不明确，需要补正。"),
    ),
    "consultation": LetterLayout(
        title="政府信息公开征求意见函",
        addressee="{{ party }}：",
        opening=(
            "本机关于{{ received_on }}收到一件政府信息公开申请"
            "（登记编号：{{ application_number }}），申请公开的信息为：“{{ request_text }}”。"
        ),
    ),
    "extension": LetterLayout(
        title="政府信息公开申请延期答复告知书",
        addressee="{{ applicant }}：",
        opening=(_RECEIVED),
    ),
    "art35": LetterLayout(
        title="政府信息公开申请处理期限告知书",
        addressee="{{ applicant }}：",
        opening=(_RECEIVED),
    ),
    "fee": LetterLayout(
        title="政府信息公开信息处理费缴费通知书",
        addressee="{{ applicant }}：",
        opening=(_RECEIVED),
    ),
    "reply": LetterLayout(
        title="政府信息公开申请答复告知书",
        addressee="{{ applicant }}：",
        opening=(_RECEIVED + "经审查，现答复如下："),
        remedy=True,
    ),
}

TITLE_PT = 22  # 二号
TEXT_PT = 16  # 三号
LINE_PT = 28


def _font(paragraph: Paragraph, text: str, face: str, size: int) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = OFFICIAL_FONTS.latin
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face)


def _line(
    doc: Any,
    text: str,
    *,
    face: str = OFFICIAL_FONTS.body,
    size: int = TEXT_PT,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = align
    fmt.keep_with_next = keep_with_next
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(paragraph, text, face, size)
    return paragraph


@functools.cache
def default_template(kind: str) -> bytes:
    """Return the shipped DOCX template of letter ``kind`` (built once per process)."""
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise RenderError(f"没有“{kind}”类文书模板", f"no letter template for {kind!r}")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _line(doc, "{{ issuer }}", face=OFFICIAL_FONTS.title, size=TITLE_PT, align=centre, indent=False)
    _line(doc, layout.title, face=OFFICIAL_FONTS.title, size=TITLE_PT, align=centre, indent=False)
    _line(doc, "{{ number }}", align=centre, indent=False)
    _line(doc, "", indent=False)
    _line(doc, layout.addressee, indent=False)
    _line(doc, layout.opening)
    _line(doc, "{%p for paragraph in body %}", indent=False)
    _line(doc, "{{ paragraph }}")
    _line(doc, "{%p endfor %}", indent=False)
    for text in layout.closing:
        _line(doc, text)
    if layout.remedy:
        _line(doc, "{{ remedy }}")
    _line(doc, "特此告知。", keep_with_next=True)
    _line(doc, "", indent=False, keep_with_next=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _line(doc, "{{ issuer }}（印章）", align=right, indent=False, keep_with_next=True)
    _line(doc, "{{ issued_on }}", align=right, indent=False)
    _line(doc, "", indent=False)
    _line(doc, "（联系地址：{{ address }}　联系电话：{{ phone }}）", indent=False)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def template_environment() -> ImmutableSandboxedEnvironment:
    """The Jinja environment of a letter template: sandboxed, because a unit uploads its own
    templates and an ordinary environment would run any Python a template reaches for
    (``{{ ''.__class__.__mro__ }}`` …); ranges are capped by the sandbox (100,000)."""
    return ImmutableSandboxedEnvironment(autoescape=True)


def render_letter(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill ``template`` (DOCX bytes) with ``context`` and return the letter as DOCX bytes."""
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(dict(context), template_environment(), autoescape=True)
    except (TemplateError, OverflowError) as exc:  # OverflowError: the sandbox's range cap
        reason = getattr(exc, "message", None) or exc
        raise RenderError(
            f"文书模板有误（第{getattr(exc, 'lineno', '?')}行）：{reason}",
            f"letter template error: {exc}",
        ) from None
    except (LimitError, MemoryError):  # over the time or memory budget (``xxgk.sandbox``)
        raise
    except Exception as exc:  # a file that is not a DOCX at all
        raise RenderError(
            "文书模板不是有效的Word（.docx）文件", f"letter template unusable: {exc}"
        ) from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
