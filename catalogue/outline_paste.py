"""A standard's work requirements (工作要求) pasted as text copied from its PDF: parsed into
levels → functions → work contents → skill and knowledge items, with every problem named by
line, and saved in one transaction — or not at all.

What a copy of the PDF's table gives, line by line::

    3.1 五级/初级工                      a level (the section number before it is optional)
    职业功能 工作内容 技能要求 相关知识要求   the table's header, repeated after page breaks
    1. 数据采集和处理                     a function: 1, 2, 3 …
    1.1 业务数据采集                      a work content of function 1: 1.1, 1.2 …
    1.1.1 能利用设备、工具等完成…          items of 1.1: the skill column's 1.1.1, 1.1.2 …
    1.1.1 业务背景知识                    … then the knowledge column's, numbered from 1.1.1 again
    续表                                 a page-continuation marker

A line that starts with no number continues the text of the line before it (a cell the PDF
wrapped). "技能要求" or "相关知识要求" alone on a line says which column follows.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .imports_standards import Outline, existing_outlines, write_outline
from .models import SkillStandard, StandardLevel

LEVELS = {
    **{zh: ("L", n) for n, (zh, _en) in StandardLevel.LEVEL_NAMES.items()},
    **{zh: ("T", n) for n, (zh, _en) in StandardLevel.TIER_NAMES.items()},
}
_LEVEL_NAMES = "|".join(re.escape(name) for name in sorted(LEVELS, key=len, reverse=True))
LEVEL_RE = re.compile(rf"^(?:\d+(?:\.\d+)*\s*)?({_LEVEL_NAMES})$")
ITEM_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)\.?\s*(.*)$")
CONTENT_RE = re.compile(r"^(\d+)\.(\d+)\.?\s*(.*)$")
FUNCTION_RE = re.compile(r"^(\d+)(?:\.|、|\s)\s*(.*)$|^(\d+)$")
HEADER_WORDS = ("职业功能", "工作内容")
SKILL_MARKERS = {"技能要求"}
KNOWLEDGE_MARKERS = {"相关知识要求", "知识要求"}
CONTINUATION = "续表"


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self):
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class PastedLevel:
    scheme: str
    level: int
    name: str
    line: int
    functions: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.level) if self.scheme == "L" else f"T{self.level}"

    @property
    def item_count(self) -> int:
        return sum(len(c["items"]) for f in self.functions for c in f["contents"])

    def outline(self) -> Outline:
        return Outline(self.functions)


@dataclass
class ParsedPaste:
    levels: list[PastedLevel]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return bool(self.levels) and not self.problems


class _Parser:
    def __init__(self):
        self.levels: list[PastedLevel] = []
        self.problems: list[Problem] = []
        self.level: PastedLevel | None = None
        self.function: dict | None = None
        self.content: dict | None = None
        self.kind = "skill"
        self.expected_item = 1
        self.last = None  # the record whose text a continuation line extends

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def parse(self, text: str) -> ParsedPaste:
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()  # the text inside is kept verbatim, odd spaces included
            if line:
                self.read(number, line)
        self.close_content()
        if not self.levels:
            self.problem(1, _("no level heading (e.g. 五级/初级工) found"))
        for level in self.levels:
            if not level.functions:
                self.problem(
                    level.line, _("level %(name)s has no functions") % {"name": level.name}
                )
        return ParsedPaste(self.levels, sorted(self.problems, key=lambda p: p.line))

    def read(self, number: int, line: str) -> None:
        level = LEVEL_RE.match(line)
        if level:
            return self.start_level(number, level.group(1))
        if line == CONTINUATION or (all(word in line for word in HEADER_WORDS)):
            return None
        if line in SKILL_MARKERS | KNOWLEDGE_MARKERS:
            self.kind = "skill" if line in SKILL_MARKERS else "knowledge"
            self.expected_item = 1
            return None
        item = ITEM_RE.match(line)
        if item:
            return self.add_item(number, item)
        content = CONTENT_RE.match(line)
        if content:
            return self.add_content(number, content)
        function = FUNCTION_RE.match(line)
        if function:
            return self.add_function(number, function)
        if self.last is None:
            self.problem(
                number, _("text before any level, function or item: %(text)s") % {"text": line}
            )
            return None
        key = "text_zh" if "text_zh" in self.last else "name_zh"
        self.last[key] += line
        return None

    def start_level(self, number: int, name: str) -> None:
        self.close_content()
        scheme, level = LEVELS[name]
        seen = next((lv for lv in self.levels if (lv.scheme, lv.level) == (scheme, level)), None)
        if seen is not None:
            self.problem(
                number,
                _("level %(name)s is named twice (first on line %(first)s)")
                % {"name": name, "first": seen.line},
            )
        self.level = PastedLevel(scheme, level, name, number)
        self.levels.append(self.level)
        self.function = self.content = self.last = None

    def add_function(self, number: int, match) -> None:
        self.close_content()
        f_number = match.group(1) or match.group(3)
        name = (match.group(2) or "").strip()
        if self.level is None:
            self.problem(
                number, _("function %(n)s comes before any level heading") % {"n": f_number}
            )
            self.level = PastedLevel("L", 0, "?", number)  # collects the rest, never saved
        expected = str(len(self.level.functions) + 1)
        if f_number != expected:
            self.problem(
                number,
                _("numbering gap: function %(n)s where %(expected)s was expected")
                % {"n": f_number, "expected": expected},
            )
        if not name:
            self.problem(number, _("function %(n)s has no name") % {"n": f_number})
        self.function = {"number": f_number, "name_zh": name, "contents": []}
        self.level.functions.append(self.function)
        self.content = None
        self.last = self.function

    def add_content(self, number: int, match) -> None:
        self.close_content()
        c_number = f"{match.group(1)}.{match.group(2)}"
        if self.function is None:
            self.problem(
                number, _("work content %(n)s has no function before it") % {"n": c_number}
            )
            return
        if match.group(1) != self.function["number"]:
            self.problem(
                number,
                _("work content %(n)s is not under function %(f)s")
                % {"n": c_number, "f": self.function["number"]},
            )
        expected = f"{self.function['number']}.{len(self.function['contents']) + 1}"
        if match.group(1) == self.function["number"] and c_number != expected:
            self.problem(
                number,
                _("numbering gap: work content %(n)s where %(expected)s was expected")
                % {"n": c_number, "expected": expected},
            )
        name = match.group(3).strip()
        if not name:
            self.problem(number, _("work content %(n)s has no name") % {"n": c_number})
        self.content = {"number": c_number, "name_zh": name, "items": [], "line": number}
        self.function["contents"].append(self.content)
        self.kind, self.expected_item, self.last = "skill", 1, self.content

    def add_item(self, number: int, match) -> None:
        i_number = ".".join(match.group(1, 2, 3))
        prefix = f"{match.group(1)}.{match.group(2)}"
        if self.content is None or self.content["number"] != prefix:
            self.problem(
                number,
                _("item %(n)s has no work content %(c)s before it") % {"n": i_number, "c": prefix},
            )
            self.last = {"text_zh": ""}  # its continuation lines go nowhere
            return
        position = int(match.group(3))
        if position < self.expected_item:
            # The numbering starts again: the knowledge column follows the skill column.
            if self.kind == "knowledge":
                self.problem(
                    number,
                    _(
                        "item %(n)s starts a third list in work content %(c)s; there are only "
                        "skill and knowledge columns"
                    )
                    % {"n": i_number, "c": prefix},
                )
            self.kind, self.expected_item = "knowledge", 1
        if position != self.expected_item and self.expected_item == 1:
            self.problem(
                number,
                _("numbering gap: item %(n)s starts a list; %(prefix)s.1 is missing")
                % {"n": i_number, "prefix": prefix},
            )
        elif position != self.expected_item:
            self.problem(
                number,
                _("numbering gap: item %(n)s where %(prefix)s.%(expected)s was expected")
                % {"n": i_number, "prefix": prefix, "expected": self.expected_item},
            )
        text = match.group(4).strip()
        if not text:
            self.problem(number, _("item %(n)s has no text") % {"n": i_number})
        item = {
            "kind": self.kind,
            "number": i_number,
            "text_zh": text,
            "structure_ok": True,
            "note": "",
        }
        self.content["items"].append(item)
        self.expected_item = position + 1
        self.last = item

    def close_content(self) -> None:
        if self.content is not None and not self.content["items"]:
            self.problem(
                self.content["line"],
                _("work content %(n)s has no skill or knowledge items")
                % {"n": self.content["number"]},
            )
        self.content = None


def parse_pasted_outline(text: str) -> ParsedPaste:
    """The levels, functions, work contents and items of pasted 工作要求 text, and every
    problem found, by line."""
    return _Parser().parse(text)


@transaction.atomic
def standard_outline_paste(*, standard: SkillStandard, text: str, user) -> ParsedPaste:
    """Parse the text and, when it has no problem, replace the outline of each level it gives
    with it, in one transaction and with history; with any problem, save nothing."""
    parsed = parse_pasted_outline(text)
    if not parsed.ok:
        return parsed
    reason = "pasted in the admin"
    for pasted in parsed.levels:
        level, _created = StandardLevel.objects.get_or_create(
            standard=standard, scheme=pasted.scheme, level=pasted.level
        )
        current = existing_outlines([level.pk])[level.pk]
        write_outline(level, pasted.outline(), reason=reason, keep_english=current, user=user)
        level.content_status = StandardLevel.Content.PASTED
        level.content_source = (
            f"pasted from the standard's PDF by {user.get_username()} on "
            f"{timezone.localdate():%Y-%m-%d}"
        )
        level._change_reason = reason
        level.save(update_fields=["content_status", "content_source"])
    return parsed
