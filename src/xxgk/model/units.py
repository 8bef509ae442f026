"""The kinds of 报告主体 (the body that publishes a report) and what the law attaches to each.

Three questions decide how a report is judged: is the body a 人民政府 (条例 art. 50 ¶1(四):
governments must report 工作考核、社会评议、责任追究), may it make 规章 (立法法 arts. 91, 93), and
by when must it publish (条例 art. 49: departments 1月31日, county-level-and-above governments
3月31日; 乡镇 and 街道 by local rule, 1月31日 by default). ``guess_unit_kind`` suggests a kind
from the name; it is a guess from the suffix, and every message built on it says so.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class UnitKind(StrEnum):
    """A kind of 报告主体; the value is the stable English name used in settings and the CLI."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    PREFECTURE_OFFICE = "prefecture_office"
    SUBDISTRICT = "subdistrict"
    STATE_COUNCIL_DEPARTMENT = "state_council_department"
    DEPARTMENT = "department"
    DISPATCHED = "dispatched"
    AUTHORIZED = "authorized"

    @property
    def label(self) -> str:
        """The kind in Chinese, for messages."""
        return _LABELS[self]

    @property
    def is_government(self) -> bool:
        """True for 各级人民政府 and the bodies that report like one (地区行署, 街道办事处)."""
        return self in _GOVERNMENTS

    @property
    def is_peoples_government(self) -> bool:
        """True for 各级人民政府 only (条例 art. 50 ¶1(四)): not 地区行政公署 nor 街道办事处,
        which are agencies a government sends out, not governments."""
        return self in _PEOPLES_GOVERNMENTS

    @property
    def may_make_rules(self) -> bool:
        """True when the body may make 规章 (立法法 arts. 91, 93)."""
        return self in _RULE_MAKERS

    @property
    def deadline(self) -> tuple[int, int]:
        """The default (month, day) of the next year by which the report must be published."""
        return (3, 31) if self in _MARCH_DEADLINE else (1, 31)

    @property
    def deadline_is_local_rule(self) -> bool:
        """True when the 条例 fixes no date and the default is only common local practice."""
        return self in _LOCAL_DEADLINE

    @property
    def township_level(self) -> bool:
        """True for 乡、镇人民政府 and 街道办事处."""
        return self in _LOCAL_DEADLINE

    @classmethod
    def parse(cls, value: str | UnitKind) -> UnitKind:
        """Return the kind named by its value, its enum name or its Chinese label.

        Raises ``ValueError`` listing the accepted values when ``value`` names no kind.
        """
        if isinstance(value, UnitKind):
            return value
        text = str(value).strip()
        for kind in cls:
            if text in (kind.value, kind.name, kind.label):
                return kind
        accepted = ", ".join(k.value for k in cls)
        raise ValueError(
            f"未知的报告主体类别“{text}”，可选：{accepted} (unknown unit kind {text!r}; "
            f"expected one of: {accepted})"
        )


_LABELS = {
    UnitKind.PROVINCE: "省级人民政府",
    UnitKind.PREFECTURE: "设区的市、自治州人民政府",
    UnitKind.COUNTY: "县级人民政府",
    UnitKind.TOWNSHIP: "乡镇人民政府",
    UnitKind.PREFECTURE_OFFICE: "地区行政公署",
    UnitKind.SUBDISTRICT: "街道办事处",
    UnitKind.STATE_COUNCIL_DEPARTMENT: "国务院部门",
    UnitKind.DEPARTMENT: "政府部门",
    UnitKind.DISPATCHED: "派出机构、开发区管理机构",
    UnitKind.AUTHORIZED: "法律法规授权组织",
}
_GOVERNMENTS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.PREFECTURE,
        UnitKind.COUNTY,
        UnitKind.TOWNSHIP,
        UnitKind.PREFECTURE_OFFICE,
        UnitKind.SUBDISTRICT,
    }
)
_PEOPLES_GOVERNMENTS = _GOVERNMENTS - {UnitKind.PREFECTURE_OFFICE, UnitKind.SUBDISTRICT}
_RULE_MAKERS = frozenset(
    {UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.STATE_COUNCIL_DEPARTMENT}
)
_MARCH_DEADLINE = frozenset(
    {UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY, UnitKind.PREFECTURE_OFFICE}
)
_LOCAL_DEADLINE = frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT})

# --- guessing from the name ---------------------------------------------------------------------

_GOVERNMENT_SUFFIX = re.compile(r"(?:人民政府|政府)$")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_STATE_PREFIXES = ("国务院", "国家", "中华人民共和国", "中国")
_DEPARTMENT_SUFFIXES = ("局", "委员会", "委", "办公室", "办", "厅", "部", "署", "处", "所", "院")
_LOCAL_PLACE = re.compile(r"(?:省|自治区|市(?![场政])|县|自治州|盟|旗)")
_DEVELOPMENT_AREA = re.compile(r"(?:开发区|新区|园区|高新区|实验区|合作区|示范区|试验区|自贸区)")

# (pattern on the name without its 人民政府 suffix, kind), tried in order.
_PLACE_RULES: tuple[tuple[re.Pattern[str], UnitKind], ...] = (
    (re.compile(r"(?:街道|街道办事处|街道办)$"), UnitKind.SUBDISTRICT),
    (re.compile(r"(?:乡|镇|苏木|民族乡)$"), UnitKind.TOWNSHIP),
    (re.compile(r"(?:行政公署|行署|地区|盟)$"), UnitKind.PREFECTURE_OFFICE),
    (re.compile(r"(?:省|自治区)$"), UnitKind.PROVINCE),
    (re.compile(r"(?:自治州|州)$"), UnitKind.PREFECTURE),
    (re.compile(r"(?:县|旗|自治县|自治旗|特区|林区|区)$"), UnitKind.COUNTY),
    (re.compile(r"市$"), UnitKind.PREFECTURE),
)


def normalize_name(name: str) -> str:
    """Return ``name`` in NFKC form without spaces, for suffix matching."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def guess_unit_kind(name: str | None) -> UnitKind | None:
    """Suggest the kind of the body called ``name`` from its suffix, or None when unsure.

    A suggestion only: a name says nothing certain about legal status (…市 may be a county-level
    city; …中心 may or may not be authorised by law). Callers that act on the result must say
    that the kind was guessed from the name, and let the user set it.
    """
    if not name:
        return None
    text = normalize_name(name)
    if not text:
        return None
    if text.endswith("办事处"):
        return UnitKind.SUBDISTRICT if "街道" in text else UnitKind.DISPATCHED
    if _DEVELOPMENT_AREA.search(text) and re.search(r"(?:管理委员会|管委会|管理局)$", text):
        return UnitKind.DISPATCHED
    if text.endswith("中心"):
        return UnitKind.AUTHORIZED
    if _GOVERNMENT_SUFFIX.search(text):
        return _guess_place(_GOVERNMENT_SUFFIX.sub("", text))
    if text.endswith(("行政公署", "行署")):
        return UnitKind.PREFECTURE_OFFICE
    if text.endswith(_DEPARTMENT_SUFFIXES):
        return _guess_department(text)
    return _guess_place(text)


def _guess_department(text: str) -> UnitKind:
    """A 国家…/国务院… name is a State Council department unless it names a local branch
    (国家税务总局示例县税务局 is a county-level body)."""
    if text.startswith(_STATE_PREFIXES) and not _LOCAL_PLACE.search(text):
        return UnitKind.STATE_COUNCIL_DEPARTMENT
    return UnitKind.DEPARTMENT


def _guess_place(text: str) -> UnitKind | None:
    if text in _MUNICIPALITIES:
        return UnitKind.PROVINCE
    if _DEVELOPMENT_AREA.search(text):
        return UnitKind.DISPATCHED
    for pattern, kind in _PLACE_RULES:
        if pattern.search(text):
            return kind
    return None
