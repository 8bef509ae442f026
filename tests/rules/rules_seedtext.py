"""Build a seed's Report for the rule tests: the truth cells plus sections split here.

The parser is written in parallel; these tests must not depend on it. The seed text is read at
test time from ``../shared/seeds`` (never copied into the project) and cut at the six headings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report, SectionText

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
"""As in tests/conftest.py; not imported from there, because several conftest modules exist
and ``import conftest`` would pick whichever was loaded first."""

_TABLE_SECTIONS = {"active", "requests", "review_litigation"}
_SEPARATORS = "、.．"


def _compact(line: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def _heading_forms(index: int) -> set[str]:
    section = SECTIONS[index]
    forms = set()
    for number in (section.number, str(index + 1)):
        for sep in _SEPARATORS:
            for title in (section.title, *section.aliases):
                forms.add(_compact(f"{number}{sep}{title}"))
    return forms


def _find_headings(lines: list[str]) -> list[int]:
    positions: list[int] = []
    start = 0
    for index in range(len(SECTIONS)):
        forms = _heading_forms(index)
        at = next(i for i in range(start, len(lines)) if _compact(lines[i]) in forms)
        positions.append(at)
        start = at + 1
    return positions


def _is_short(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 40 and not text.endswith(("。", ":", "：", "，", ","))


def split_seed(text: str) -> tuple[str | None, dict[str, SectionText], str | None]:
    """Return (title, sections, signature) of a seed text."""
    lines = text.splitlines()
    heads = _find_headings(lines)
    front = [ln.strip() for ln in lines[: heads[0]] if ln.strip()]
    title_lines = []
    while front and _is_short(front[0]):
        title_lines.append(front.pop(0))
    sections = {"preamble": SectionText("", "\n".join(front))}
    ends = [*heads[1:], len(lines)]
    for section, head, end in zip(SECTIONS, heads, ends, strict=True):
        body = [ln.strip() for ln in lines[head + 1 : end] if ln.strip()]
        text = "" if section.key in _TABLE_SECTIONS else "\n".join(body)
        sections[section.key] = SectionText(lines[head].strip(), text)
    other = list(sections["other"].text.splitlines())
    signature = []
    while other and _is_short(other[-1]) and len(signature) < 3:
        signature.insert(0, other.pop())
    sections["other"] = SectionText(sections["other"].heading, "\n".join(other))
    title = "".join(title_lines) or None
    return title, sections, ("\n".join(signature) or None)


def seed_report(path: Path) -> Report:
    """The truth of the seed at ``path`` with its title, sections and 落款 from the text."""
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    report = Report.from_dict(truth)
    report.title, report.sections, report.signature = split_seed(path.read_text(encoding="utf-8"))
    report.source = path.name
    return report
