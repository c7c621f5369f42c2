"""What the pages and the API show of a skill standard: its levels with their weight rows and
outlines, the weight table as a level × function grid, its chart, and levels side by side.

One home for these, so the occupation page, the compare page and the API build them alike.
"""

import functools
from dataclasses import dataclass, field

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from .charts import PALETTE, Part, stacked_bar_chart
from .jsonrows import compiled, from_json


def with_outline(standards):
    """Standards with their levels, weight rows and function → work content → requirement
    outline in one JSON column (``outline``): the whole outline in the standards' own query."""
    from django.db.models import JSONField
    from django.db.models.expressions import RawSQL

    # One JSON value, decoded by its field, rather than an array of JSON texts.
    return standards.annotate(outline=RawSQL(f"TO_JSONB({_outline_sql()})", (), JSONField()))


@functools.cache
def _outline_sql() -> str:
    """with_outline()'s column as SQL, built from the models once per process: building and
    compiling its four nested subqueries took longer than PostgreSQL took to run them."""
    from .models import SkillStandard

    return compiled(outline_expression(), SkillStandard)


def outline_expression():
    """A standard's levels as a JSON array, each with its weight rows and its function → work
    content → requirement outline; an expression over a query on the standards (OuterRef)."""
    from .jsonrows import json_rows
    from .models import (
        FunctionWeight,
        OccupationalFunction,
        Requirement,
        StandardLevel,
        WorkContent,
    )

    def rows(model, parent, order, **nested):
        return json_rows(model.objects.filter(**{parent: OuterRef("pk")}), order, **nested)

    in_order = ["position", "id"]
    requirements = rows(Requirement, "work_content", ["kind", *in_order])
    contents = rows(WorkContent, "function", in_order, requirements=requirements)
    functions = rows(OccupationalFunction, "level", in_order, contents=contents)
    return rows(
        StandardLevel,
        "standard",
        ["scheme", "rank"],
        weights=rows(FunctionWeight, "level", in_order),
        functions=functions,
    )


def attach_outlines(standards) -> None:
    """Give each standard its levels, each level its weight rows and its function → work
    content → requirement outline: from with_outline()'s column when the standards came with
    it, otherwise in one query for all of them (none without standards).

    Sets on each standard ``outline_levels``; on each level ``weight_rows``,
    ``outline_functions``; on each function ``outline_contents``; on each work content
    ``skill_requirements`` and ``knowledge_requirements``.
    """
    from .models import (
        FunctionWeight,
        OccupationalFunction,
        Requirement,
        SkillStandard,
        StandardLevel,
        WorkContent,
    )

    standards = list(standards)
    missing = [s.pk for s in standards if not hasattr(s, "outline")]
    if missing:
        outlines = dict(
            with_outline(SkillStandard.objects.filter(pk__in=missing)).values_list("pk", "outline")
        )
        for standard in standards:
            if standard.pk in outlines:
                standard.outline = outlines[standard.pk]
    for standard in standards:
        standard.outline_levels = []
        for level_row in standard.outline:
            level = from_json(StandardLevel, level_row)
            level.standard = standard
            level.weight_rows = [from_json(FunctionWeight, w) for w in level_row["weights"]]
            level.outline_functions = []
            for function_row in level_row["functions"]:
                function = from_json(OccupationalFunction, function_row)
                function.outline_contents = []
                for content_row in function_row["contents"]:
                    content = from_json(WorkContent, content_row)
                    items = [from_json(Requirement, r) for r in content_row["requirements"]]
                    content.skill_requirements = [r for r in items if r.kind == "skill"]
                    content.knowledge_requirements = [r for r in items if r.kind == "knowledge"]
                    function.outline_contents.append(content)
                level.outline_functions.append(function)
            standard.outline_levels.append(level)


def weighted_levels(standard) -> list:
    return [level for level in standard.outline_levels if level.weight_rows]


def outlined_levels(standard) -> list:
    return [level for level in standard.outline_levels if level.outline_functions]


def weight_total(level) -> int:
    return sum(w.weight_pct for w in level.weight_rows)


@dataclass
class GridRow:
    function_zh: str
    function_en: str
    cells: list  # a FunctionWeight or None, one per level
    has_artefacts: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class WeightGrid:
    """A standard's weight table: its functions as rows, its levels as columns."""

    levels: list
    rows: list[GridRow]
    totals: list[int]

    @property
    def columns(self):
        """(level, total, whether the total is 100) for each column."""
        return [(lv, t, t == 100) for lv, t in zip(self.levels, self.totals, strict=True)]

    @property
    def all_sum_to_100(self) -> bool:
        return all(total == 100 for total in self.totals)


def function_order(levels, names_of) -> list[str]:
    """Function names in the order they first appear, from the lowest level to the highest,
    each once: how functions are aligned across levels."""
    seen: dict[str, None] = {}
    for level in sorted(levels, key=lambda lv: (lv.scheme, lv.rank)):
        for name in names_of(level):
            seen.setdefault(name, None)
    return list(seen)


def weight_grid(levels) -> WeightGrid | None:
    """The level × function grid of these levels' weights, or None when none has any."""
    levels = [level for level in levels if level.weight_rows]
    if not levels:
        return None
    by_level = [{w.function_zh: w for w in level.weight_rows} for level in levels]
    rows = []
    for name in function_order(levels, lambda lv: [w.function_zh for w in lv.weight_rows]):
        cells = [weights.get(name) for weights in by_level]
        present = [c for c in cells if c is not None]
        rows.append(
            GridRow(
                function_zh=name,
                function_en=next((c.function_en for c in present if c.function_en), ""),
                cells=cells,
                has_artefacts=any(c.has_artefacts for c in present),
                notes=sorted({c.note for c in present if c.note}),
            )
        )
    return WeightGrid(levels=levels, rows=rows, totals=[weight_total(lv) for lv in levels])


def weight_chart(grid: WeightGrid, chart_id: str):
    """A stacked bar per level: each function's share, in the grid's colours."""
    index = {row.function_zh: i for i, row in enumerate(grid.rows)}
    rows = [
        (
            level.name_zh,
            [Part(index[w.function_zh], w.weight_pct, w.function_zh) for w in level.weight_rows],
        )
        for level in grid.levels
    ]
    return stacked_bar_chart(
        rows,
        title=_("What each level emphasises"),
        description=_(
            "Each level's skill requirements divided among the occupational functions, in per "
            "cent, as the standard's weight table gives them."
        ),
        chart_id=chart_id,
    )


def legend(grid: WeightGrid) -> list[tuple[str, str, str]]:
    """(swatch class, Chinese name, English name) for each function of the chart."""
    return [
        (f"swatch-p{i % len(PALETTE)}", row.function_zh, row.function_en)
        for i, row in enumerate(grid.rows)
    ]


def prepare_standard(standard, chart_prefix: str = "weights") -> None:
    """Everything the occupation page shows of an attached standard."""
    standard.weight_grid = weight_grid(standard.outline_levels)
    standard.weight_chart = (
        weight_chart(standard.weight_grid, f"{chart_prefix}-{standard.pk}")
        if standard.weight_grid
        else ""
    )
    standard.weight_legend = legend(standard.weight_grid) if standard.weight_grid else []
    standard.levels_with_outline = outlined_levels(standard)
    standard.mixed_schemes = len({lv.scheme for lv in standard.outline_levels}) > 1
    for level in standard.outline_levels:
        level.weight_total = weight_total(level)


# --- Levels side by side ----------------------------------------------------------------------


class LevelChoiceError(ValueError):
    """Levels asked for that cannot be compared; the message says why."""


def chosen_levels(standard, raw: str | None) -> list:
    """The attached standard's levels named in ``raw`` ("5,3" or "T1,T3"), in that order; all
    its levels when nothing is asked. LevelChoiceError names what is wrong."""
    from .models import StandardLevel

    available = {(lv.scheme, lv.level): lv for lv in standard.outline_levels}
    names = ", ".join(lv.key for lv in standard.outline_levels) or _("none")
    if raw is None or not raw.strip():
        if len(available) < 2:
            raise LevelChoiceError(
                _("This standard has fewer than two levels in the catalogue (levels: %(names)s).")
                % {"names": names}
            )
        return list(standard.outline_levels)
    chosen = []
    for part in raw.split(","):
        key = StandardLevel.parse_key(part)
        if key is None:
            raise LevelChoiceError(
                _(
                    "%(value)r is not a level: use 5 to 1, or T1 to T3 (this standard has %(names)s)."
                )
                % {"value": part.strip(), "names": names}
            )
        if key not in available:
            raise LevelChoiceError(
                _("This standard has no level %(value)s; it has %(names)s.")
                % {"value": part.strip(), "names": names}
            )
        if available[key] in chosen:
            raise LevelChoiceError(_("Level %(value)s is named twice.") % {"value": part.strip()})
        chosen.append(available[key])
    if len(chosen) < 2:
        raise LevelChoiceError(
            _("Choose two or more levels to compare, e.g. ?levels=%(example)s.")
            % {"example": ",".join(lv.key for lv in standard.outline_levels[:2]) or "5,3"}
        )
    return chosen


@dataclass
class ComparedRow:
    """One function across the compared levels: per level its weight and its outline function."""

    function_zh: str
    function_en: str
    weights: list
    functions: list


def comparison(levels) -> list[ComparedRow]:
    """The levels' functions aligned by name (weights and outline alike), lowest level first."""

    def key(function) -> str:
        # Functions the extracted text leaves unnamed line up by their number.
        return function.name_zh or f"#{function.number}"

    def names(level):
        return [w.function_zh for w in level.weight_rows] + [
            key(f) for f in level.outline_functions
        ]

    weights = [{w.function_zh: w for w in level.weight_rows} for level in levels]
    functions = [{key(f): f for f in level.outline_functions} for level in levels]
    rows = []
    for name in function_order(levels, names):
        found_weights = [by_name.get(name) for by_name in weights]
        found_functions = [by_name.get(name) for by_name in functions]
        english = [x.function_en for x in found_weights if x and x.function_en] + [
            x.name_en for x in found_functions if x and x.name_en
        ]
        rows.append(
            ComparedRow(
                function_zh="" if name.startswith("#") else name,
                function_en=english[0] if english else "",
                weights=found_weights,
                functions=found_functions,
            )
        )
    return rows
