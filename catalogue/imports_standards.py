"""Imports of the national vocational skill standards: OSTA's list of standards, their skill
weight tables and, for a few, their level-by-level work requirements (工作要求).

Like the classification's import (catalogue.imports), each reads and checks its whole file
before it writes, writes in one transaction, names the file and line of any error, matches
records by stable keys (OSTA's id, a level, a function's name, an item's number) so that a second
run changes nothing, and leaves alone what a curator changed. Every standard of the list is kept,
matched to an occupation or not; rows that cannot be joined to a standard are reported, with the
reason, and skipped.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .codes import OCCUPATION_CODE_RE
from .imports import (
    ImportFileError,
    ImportReport,
    Progress,
    Row,
    _apply,
    _changes,
    _check,
    _flag,
    _no_progress,
    _save,
    read_csv,
)
from .models import (
    FunctionWeight,
    Occupation,
    OccupationalFunction,
    Requirement,
    SkillStandard,
    Source,
    StandardLevel,
    WorkContent,
)
from .search.documents import refresh_search_documents
from .versioning import bump

STANDARDS_FILE = "cn_skill_standards.csv"
WEIGHTS_FILE = "cn_skill_standard_weights.csv"
REQUIREMENTS_FILE = "cn_skill_standard_requirements.csv"

STANDARD_COLUMNS = [
    "name_zh",
    "code_in_standard",
    "issued",
    "doc_number",
    "code_2022",
    "name_2022",
    "match",
    "same_code",
    "osta_id",
    "source",
]
WEIGHT_COLUMNS = [
    "code",
    "occupation_name_in_source",
    "standard_name",
    "osta_code",
    "osta_issued",
    "osta_doc_number",
    "osta_match",
    "edition",
    "level",
    "level_code",
    "table_kind",
    "function_zh",
    "weight_pct",
    "group_sum",
    "sum_ok",
    "source_file",
    "source_node_id",
    "note",
]
REQUIREMENT_COLUMNS = [
    "code_in_standard",
    "standard_name",
    "issued",
    "doc_number",
    "level",
    "function_no",
    "function_zh",
    "content_no",
    "content_zh",
    "kind",
    "item_no",
    "text_zh",
    "structure_ok",
    "note",
    "source",
]

MATCH_METHODS = {
    "exact name": SkillStandard.Match.EXACT,
    "exact name after removing S/L flag letters": SkillStandard.Match.WITHOUT_FLAGS,
    "name after removing a parenthesised 工种 qualifier": SkillStandard.Match.WITHOUT_JOB_TYPE,
    "name after removing （试行）": SkillStandard.Match.WITHOUT_TRIAL,
    "unmatched": SkillStandard.Match.UNMATCHED,
}
# The levels as the weights file codes them and as both files name them.
LEVEL_CODES = {
    **{f"L{n}": ("L", n) for n in StandardLevel.LEVEL_NAMES},
    **{f"T{n}": ("T", n) for n in StandardLevel.TIER_NAMES},
}
LEVEL_LABELS = {
    **{zh: ("L", n) for n, (zh, _en) in StandardLevel.LEVEL_NAMES.items()},
    **{zh: ("T", n) for n, (zh, _en) in StandardLevel.TIER_NAMES.items()},
}
WEIGHT_JOINS = {"source_file = OSTA code_name", "code + name + edition year", "unmatched"}

# The fields the list's import writes; a curator's change to any of them is kept.
STANDARD_OWNED_FIELDS = [
    "title",
    "code_in_standard",
    "issued_on",
    "document_number",
    "occupation",
    "match_method",
    "unmatched_reason",
    "source",
    "source_reference",
]
STANDARD_WEIGHT_FIELDS = ["weights_source", "weights_file"]
# A curator linking a standard to an occupation changes all three; imports then keep them.
LINK_FIELDS = ["occupation", "match_method", "unmatched_reason"]

# The data set's README (data/README.md) names these as the files' sources.
STANDARDS_SOURCE = {
    "key": "osta-skill-standard-list",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "国家职业技能标准目录（职业技能鉴定中心 OSTA）",
    "publisher": "人力资源社会保障部职业技能鉴定中心 (OSTA)",
    "url": "https://github.com/gqy20/hiro2",
    "notes": (
        "OSTA's public list of national vocational skill standards "
        "(osta.org.cn skillStandardList), as fetched by the hiro2 project: "
        "data/processed/certs/cert-catalog.jsonl at commit a208c4a. Names, codes as printed in "
        "the standards, issue dates and document numbers verbatim; matched by name to the 2022 "
        "classification when the catalogue's data was converted. No licence file; the facts are "
        "OSTA's public list."
    ),
}
WEIGHTS_SOURCE = {
    "key": "skill-standard-weight-tables",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "国家职业技能标准 技能要求权重表（PDF 解析）",
    "publisher": "人力资源社会保障部 (standards); uryuwr/voced-position-kg-demo (parsing)",
    "url": "https://github.com/uryuwr/voced-position-kg-demo",
    "notes": (
        "The skill weight tables (技能要求权重表) of the standards' PDFs, parsed line by line "
        "with PyMuPDF (no language model): data/baseline/kg_baseline_20260820.jsonl.gz at commit "
        "5ad71c0 (deleted at HEAD), official nodes with a weight only. Function names drop "
        "bracketed text and trailing digits; some groups do not sum to 100. The nodes ask: "
        "人社部/工信部颁布国家职业技能标准；使用时请注明出处."
    ),
}
REQUIREMENTS_SOURCE = {
    "key": "skill-standard-requirements-extracted",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "国家职业技能标准 工作要求（PDF 解析）",
    "publisher": "中国就业培训技术指导中心 and 人力资源社会保障部 (standards); gqy20/hiro2 (parsing)",
    "url": "https://github.com/gqy20/hiro2",
    "notes": (
        "The level-by-level work requirements (工作要求) of four standards, extracted from the "
        "OSTA PDFs with PyMuPDF by the hiro2 project (scripts/certparse.py, no language model): "
        "data/processed/certs/std-requirements/<code>.jsonl at commit 629e900. Not checked "
        "against the PDFs; rows with known structural problems are marked. The standards' text "
        "is copyright of OSTA and the issuing ministries, quoted for reference with citation."
    ),
}

LINE_RE = re.compile(r"\s+line\s+\d+$")


def default_data_dir() -> Path:
    """Where the reference data is read from: CATALOGUE_DATA_DIR when set, else data/."""
    return Path(settings.CATALOGUE_DATA_DIR or settings.BASE_DIR / "data")


def _source(spec: dict) -> Source:
    source, _ = Source.objects.get_or_create(
        key=spec["key"], defaults={k: v for k, v in spec.items() if k != "key"}
    )
    return source


def _lines(rows: list[Row]) -> str:
    first, last = rows[0].line, rows[-1].line
    return f"line {first}" if first == last else f"lines {first}–{last}"


@dataclass
class StandardsReport(ImportReport):
    """An import report that also lists the standards matched to no occupation, and the
    title-only records that list entries completed."""

    unmatched: list[tuple] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = super().lines()
        dry = out.pop() if self.dry_run else None
        out.extend(self.completed)
        out.append(f"standards matched to no occupation: {len(self.unmatched)}")
        for title, code, issued, reason in self.unmatched:
            out.append(f"  {title} ({code or 'no code'}, {issued or 'no date'}): {reason}")
        if dry:
            out.append(dry)
        return out


# --- Reading ----------------------------------------------------------------------------------


def _date(value: str, column: str, path: Path, row: Row) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImportFileError(
            path, row.line, f"{column} must be a date YYYY-MM-DD or empty, not {value!r}"
        ) from None


def _read_standards(path: Path) -> list[Row]:
    rows = read_csv(path, STANDARD_COLUMNS)
    first_line: dict[str, int] = {}
    for row in rows:
        osta_id = row["osta_id"]
        _check(osta_id.isdigit(), path, row, f"osta_id must be a number, not {osta_id!r}")
        _check(
            osta_id not in first_line,
            path,
            row,
            f"duplicate osta_id {osta_id} (first on line {first_line.get(osta_id)})",
        )
        first_line[osta_id] = row.line
        _check(bool(row["name_zh"]), path, row, f"standard {osta_id} has no name")
        _date(row["issued"], "issued", path, row)
        _check(
            row["match"] in MATCH_METHODS,
            path,
            row,
            f"unknown match {row['match']!r}; expected one of {', '.join(MATCH_METHODS)}",
        )
        if row["match"] == "unmatched":
            _check(
                not (row["code_2022"] or row["name_2022"] or row["same_code"]),
                path,
                row,
                "an unmatched standard has no code_2022, name_2022 or same_code",
            )
        else:
            _check(
                bool(re.fullmatch(OCCUPATION_CODE_RE, row["code_2022"])),
                path,
                row,
                f"bad code_2022 {row['code_2022']!r}",
            )
            _check(bool(row["name_2022"]), path, row, "a matched standard needs name_2022")
            same = _flag(row, "same_code", path)
            _check(
                same == (row["code_in_standard"] == row["code_2022"]),
                path,
                row,
                f"same_code is {row['same_code']} but the code in the standard is "
                f"{row['code_in_standard']!r} and the 2022 code {row['code_2022']}",
            )
        _check(bool(row["source"]), path, row, "source is empty; every record says where from")
    return rows


def _standard_key(name: str, code: str, issued: str, doc_number: str) -> tuple:
    return (name, code, issued, doc_number)


def _list_keys(rows: list[Row]) -> dict[tuple, str]:
    """Each list entry's (name, code, date, document number) → its osta_id."""
    return {
        _standard_key(r["name_zh"], r["code_in_standard"], r["issued"], r["doc_number"]): r[
            "osta_id"
        ]
        for r in rows
    }


@dataclass
class WeightFile:
    """One standard PDF's weight table: its rows grouped by level, in the file's order."""

    name: str
    rows: list[Row] = field(default_factory=list)
    osta_id: str | None = None

    @property
    def levels(self) -> dict[tuple[str, int], list[Row]]:
        grouped: dict[tuple[str, int], list[Row]] = defaultdict(list)
        for row in self.rows:
            grouped[LEVEL_CODES[row["level_code"]]].append(row)
        return grouped


def _read_weights(path: Path) -> dict[str, WeightFile]:
    rows = read_csv(path, WEIGHT_COLUMNS)
    files: dict[str, WeightFile] = {}
    for row in rows:
        code = row["level_code"]
        _check(code in LEVEL_CODES, path, row, f"level_code must be L5–L1 or T1–T3, not {code!r}")
        _check(
            LEVEL_LABELS.get(row["level"]) == LEVEL_CODES[code],
            path,
            row,
            f"level {row['level']!r} does not name level_code {code}",
        )
        _check(
            row["table_kind"] == "技能要求",
            path,
            row,
            f"table_kind must be 技能要求, not {row['table_kind']!r}",
        )
        _check(bool(row["function_zh"]), path, row, "function_zh is empty")
        _check(
            len(row["function_zh"]) <= 100, path, row, "function_zh is longer than 100 characters"
        )
        for column in ("weight_pct", "group_sum"):
            _check(
                row[column].isdigit(),
                path,
                row,
                f"{column} must be a whole number, not {row[column]!r}",
            )
        _check(int(row["weight_pct"]) <= 100, path, row, "weight_pct is more than 100")
        _flag(row, "sum_ok", path)
        _check(bool(row["source_file"]), path, row, "source_file is empty")
        _check(
            row["osta_match"] in WEIGHT_JOINS,
            path,
            row,
            f"unknown osta_match {row['osta_match']!r}",
        )
        files.setdefault(row["source_file"], WeightFile(row["source_file"])).rows.append(row)

    for weight_file in files.values():
        first = weight_file.rows[0]
        for row in weight_file.rows:
            for column in ("standard_name", "osta_code", "osta_issued", "osta_doc_number"):
                _check(
                    row[column] == first[column],
                    path,
                    row,
                    f"{column} differs from line {first.line} of the same source_file",
                )
        for level_rows in weight_file.levels.values():
            total = sum(int(r["weight_pct"]) for r in level_rows)
            seen: dict[str, int] = {}
            for row in level_rows:
                _check(
                    int(row["group_sum"]) == total,
                    path,
                    row,
                    f"group_sum {row['group_sum']} is not the level's sum of weights, {total}",
                )
                _check(
                    (row["sum_ok"] == "1") == (total == 100),
                    path,
                    row,
                    f"sum_ok is {row['sum_ok']} but the level's weights sum to {total}",
                )
                _check(
                    row["function_zh"] not in seen,
                    path,
                    row,
                    f"function {row['function_zh']} is listed twice for this level "
                    f"(first on line {seen.get(row['function_zh'])})",
                )
                seen[row["function_zh"]] = row.line
    return files


ITEM_NUMBER_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def _read_requirements(path: Path) -> dict[tuple, dict[tuple[str, int], list[Row]]]:
    """The rows by standard (name, code, date, document number) and level, in file order."""
    rows = read_csv(path, REQUIREMENT_COLUMNS)
    grouped: dict[tuple, dict[tuple[str, int], list[Row]]] = defaultdict(lambda: defaultdict(list))
    functions: dict[tuple, tuple[str, int]] = {}
    contents: dict[tuple, tuple[str, int]] = {}
    items: dict[tuple, int] = {}
    for row in rows:
        _check(
            row["level"] in LEVEL_LABELS,
            path,
            row,
            f"unknown level {row['level']!r}; expected one of {', '.join(LEVEL_LABELS)}",
        )
        function_no, content_no, item_no = row["function_no"], row["content_no"], row["item_no"]
        _check(function_no.isdigit(), path, row, f"bad function_no {function_no!r}")
        _check(
            bool(re.fullmatch(rf"{function_no}\.\d+", content_no)),
            path,
            row,
            f"content_no {content_no!r} is not a number under function {function_no}",
        )
        _check(
            bool(re.fullmatch(rf"{re.escape(content_no)}\.\d+", item_no)),
            path,
            row,
            f"item_no {item_no!r} is not a number under content {content_no}",
        )
        _check(
            row["kind"] in Requirement.Kind.values,
            path,
            row,
            f"kind must be skill or knowledge, not {row['kind']!r}",
        )
        _check(bool(row["content_zh"]), path, row, f"content {content_no} has no name")
        _check(bool(row["text_zh"]), path, row, f"item {item_no} has no text")
        _flag(row, "structure_ok", path)
        standard = _standard_key(
            row["standard_name"], row["code_in_standard"], row["issued"], row["doc_number"]
        )
        level = LEVEL_LABELS[row["level"]]
        for seen, key, value, what in [
            (functions, (standard, level, function_no), row["function_zh"], "function"),
            (contents, (standard, level, content_no), row["content_zh"], "content"),
        ]:
            first = seen.setdefault(key, (value, row.line))
            _check(
                first[0] == value,
                path,
                row,
                f"{what} {key[2]} is named {value!r} here but {first[0]!r} on line {first[1]}",
            )
        item = (standard, level, content_no, row["kind"], item_no)
        _check(
            item not in items,
            path,
            row,
            f"{row['kind']} item {item_no} of {row['level']} is listed twice "
            f"(first on line {items.get(item)})",
        )
        items[item] = row.line
        grouped[standard][level].append(row)
    return grouped


# --- Writing: the list ------------------------------------------------------------------------


def _link(row: Row, occupations: dict[str, Occupation]) -> tuple[Occupation | None, str, str]:
    """The occupation a list entry is matched to, how, and why not when it is not."""
    method = MATCH_METHODS[row["match"]]
    if method == SkillStandard.Match.UNMATCHED:
        reason = (
            "No occupation of the 2022 classification has this name, even after removing S/L "
            "flag letters, a parenthesised job-type (工种) qualifier or （试行）."
        )
        printed = occupations.get(row["code_in_standard"])
        if printed is not None:
            reason += (
                f" The code printed in the standard, {printed.code}, is {printed.name_zh} in the "
                "catalogue; standards are matched by name, not by code, so a curator should "
                "decide whether it belongs there."
            )
        return None, str(method), reason
    occupation = occupations.get(row["code_2022"])
    if occupation is None:
        return (
            None,
            str(SkillStandard.Match.UNMATCHED),
            f"Matched by name to {row['code_2022']} {row['name_2022']}, which is not in the "
            "catalogue (import the classification first).",
        )
    if occupation.name_zh != row["name_2022"]:
        return (
            None,
            str(SkillStandard.Match.UNMATCHED),
            f"Matched by name to {row['code_2022']} {row['name_2022']}, but the catalogue's "
            f"{occupation.code} is {occupation.name_zh}.",
        )
    return occupation, str(method), ""


def _import_standards(
    path: Path, rows: list[Row], report: ImportReport, progress: Progress, done: int
) -> int:
    source = _source(STANDARDS_SOURCE)
    reason = f"import_skill_standards {path.name}"
    codes = {r["code_2022"] for r in rows} | {r["code_in_standard"] for r in rows}
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    existing = {s.osta_id: s for s in SkillStandard.objects.filter(osta_id__isnull=False)}
    # Title-only records from before the list was imported (the seed's, say): the first entry
    # of the list matched to their occupation takes them over, so no standard appears twice.
    placeholders: dict[int, list[SkillStandard]] = defaultdict(list)
    for standard in SkillStandard.objects.filter(
        osta_id__isnull=True, issued_on__isnull=True, document_number="", occupation__isnull=False
    ).order_by("pk"):
        placeholders[standard.occupation_id].append(standard)

    create, update = [], {}
    ordered = sorted(rows, key=lambda r: r["issued"] or "0000", reverse=True)
    for row in ordered:
        occupation, method, unmatched_reason = _link(row, occupations)
        values = {
            "title": row["name_zh"],
            "code_in_standard": row["code_in_standard"],
            "issued_on": date.fromisoformat(row["issued"]) if row["issued"] else None,
            "document_number": row["doc_number"],
            "occupation": occupation,
            "match_method": method,
            "unmatched_reason": unmatched_reason,
            "source": source,
            "source_reference": row["source"],
        }
        osta_id = int(row["osta_id"])
        standard = existing.get(osta_id)
        if standard is None and occupation is not None and placeholders.get(occupation.pk):
            standard = placeholders[occupation.pk].pop(0)
            standard.osta_id = osta_id
            changed, _kept = _changes(standard, values, STANDARD_OWNED_FIELDS)
            update[standard] = ["osta_id", *changed]
            report.completed.append(
                f"{path.name}, line {row.line}: {row['name_zh']} (OSTA {osta_id}) completes the "
                f"title-only record {standard.key} of {occupation.code}"
            )
        elif standard is None:
            standard = SkillStandard(
                key=f"osta-{osta_id}",
                osta_id=osta_id,
                **{k: v for k, v in values.items() if k not in {"occupation", "source"}},
                occupation=occupation,
                source=source,
            )
            create.append(standard)
        else:
            changed = _apply(report, "skill standards", standard, values, STANDARD_OWNED_FIELDS)
            if changed:
                update[standard] = changed
        done += 1
        if done % 100 == 0:
            progress(done)
    for standard in [*create, *update]:
        standard.clean_fields(exclude=["key", "occupation", "source", "osta_id"])
    report.created["skill standards"] += len(create)
    report.updated["skill standards"] += len(update)
    _save(SkillStandard, create=create, update=update, reason=reason)
    return done


# --- Writing: weights -------------------------------------------------------------------------


def _levels(
    standard_ids, wanted: set[tuple[int, str, int]]
) -> tuple[dict[tuple, StandardLevel], int]:
    """The standards' levels by (standard id, scheme, level), creating those wanted and missing."""
    levels = {
        (lv.standard_id, lv.scheme, lv.level): lv
        for lv in StandardLevel.objects.filter(standard_id__in=standard_ids)
    }
    missing = [
        StandardLevel(standard_id=s, scheme=scheme, level=n)
        for (s, scheme, n) in sorted(wanted)
        if (s, scheme, n) not in levels
    ]
    if missing:
        _save(StandardLevel, create=missing, update={}, reason="import_skill_standards")
        for lv in StandardLevel.objects.filter(standard_id__in={m.standard_id for m in missing}):
            levels[(lv.standard_id, lv.scheme, lv.level)] = lv
    return levels, len(missing)


def _import_weights(
    path: Path,
    files: dict[str, WeightFile],
    list_keys: dict[tuple, str],
    report: ImportReport,
    progress: Progress,
    done: int,
) -> int:
    source = _source(WEIGHTS_SOURCE)
    reason = f"import_skill_standards {path.name}"
    standards = {
        str(s.osta_id): s
        for s in SkillStandard.objects.filter(osta_id__isnull=False).select_related("occupation")
    }
    joined: dict[str, WeightFile] = {}
    for name, weight_file in files.items():
        first = weight_file.rows[0]
        key = _standard_key(
            first["standard_name"],
            first["osta_code"],
            first["osta_issued"],
            first["osta_doc_number"],
        )
        osta_id = list_keys.get(key)
        where = f"{path.name}, {_lines(weight_file.rows)}"
        if osta_id is None:
            report.skipped.append(
                f"{where}: weights of {name} ({first['occupation_name_in_source']}, "
                f"{first['edition']}) join no standard of the list "
                f"(osta_match {first['osta_match']}); not imported"
            )
            done += len(weight_file.rows)
            continue
        if osta_id in joined:
            report.skipped.append(
                f"{where}: weights of {name} join standard {osta_id}, whose weights come from "
                f"{joined[osta_id].name} already; not imported"
            )
            done += len(weight_file.rows)
            continue
        weight_file.osta_id = osta_id
        joined[osta_id] = weight_file

    standard_updates = {}
    for osta_id, weight_file in joined.items():
        standard = standards[osta_id]
        values = {"weights_source": source, "weights_file": weight_file.name}
        changed = _apply(report, "weight tables", standard, values, STANDARD_WEIGHT_FIELDS)
        if changed:
            standard_updates[standard] = changed
    report.updated["weight tables"] += len(standard_updates)
    _save(SkillStandard, create=[], update=standard_updates, reason=reason)

    wanted = {
        (standards[osta_id].pk, scheme, n)
        for osta_id, weight_file in joined.items()
        for (scheme, n) in weight_file.levels
    }
    ids = [standards[osta_id].pk for osta_id in joined]
    levels, created_levels = _levels(ids, wanted)
    report.created["standard levels"] += created_levels
    existing: dict[tuple[int, str], FunctionWeight] = {
        (w.level_id, w.function_zh): w
        for w in FunctionWeight.objects.filter(level__standard_id__in=ids)
    }

    create, update = [], {}
    owned = ["position", "weight_pct", "has_artefacts", "note", "source_node_id"]
    for osta_id, weight_file in joined.items():
        standard = standards[osta_id]
        for (scheme, n), rows in weight_file.levels.items():
            level = levels[(standard.pk, scheme, n)]
            for position, row in enumerate(rows):
                values = {
                    "position": position,
                    "weight_pct": int(row["weight_pct"]),
                    "has_artefacts": bool(row["note"]),
                    "note": row["note"],
                    "source_node_id": row["source_node_id"],
                }
                weight = existing.pop((level.pk, row["function_zh"]), None)
                if weight is None:
                    create.append(
                        FunctionWeight(level=level, function_zh=row["function_zh"], **values)
                    )
                    continue
                changed = [name for name in owned if getattr(weight, name) != values[name]]
                for name in changed:
                    setattr(weight, name, values[name])
                if changed:
                    update[weight] = changed
                else:
                    report.unchanged["function weights"] += 1
            done += len(rows)
            progress(done)
    # What is left of the joined standards' weights is no longer in the file.
    delete = list(existing.values())
    report.created["function weights"] += len(create)
    report.updated["function weights"] += len(update)
    if create:
        _save(FunctionWeight, create=create, update={}, reason=reason)
    if update:
        # FunctionWeight has no updated_at; write the rows one by one, each with its history.
        for weight, fields in update.items():
            weight._change_reason = reason
            weight.save(update_fields=fields)
    if delete:
        report.skipped.extend(
            f"{path.name}: weight {w.function_zh} {w.weight_pct}% is no longer in the file; removed"
            for w in delete
        )
        for weight in delete:
            weight._change_reason = reason
            weight.delete()
    return done


# --- Writing: requirements --------------------------------------------------------------------


@dataclass
class Outline:
    """A level's functions → work contents → items, as the file gives them."""

    functions: list[dict]

    def signature(self) -> list:
        return [
            (
                f["number"],
                f["name_zh"],
                [
                    (
                        c["number"],
                        c["name_zh"],
                        [
                            (i["kind"], i["number"], i["text_zh"], i["structure_ok"], i["note"])
                            for i in c["items"]
                        ],
                    )
                    for c in f["contents"]
                ],
            )
            for f in self.functions
        ]


def _outline(rows: list[Row]) -> Outline:
    functions: dict[str, dict] = {}
    for row in rows:
        function = functions.setdefault(
            row["function_no"],
            {"number": row["function_no"], "name_zh": row["function_zh"], "contents": {}},
        )
        content = function["contents"].setdefault(
            row["content_no"],
            {"number": row["content_no"], "name_zh": row["content_zh"], "items": []},
        )
        content["items"].append(
            {
                "kind": row["kind"],
                "number": row["item_no"],
                "text_zh": row["text_zh"],
                "structure_ok": row["structure_ok"] == "1",
                "note": row["note"],
                "source_line": row["source"],
            }
        )
    ordered = []
    for function in functions.values():
        contents = list(function["contents"].values())
        for content in contents:
            # Skill items first, then knowledge, each in their printed order.
            content["items"].sort(key=lambda i: (i["kind"] != "skill",))
        ordered.append({**function, "contents": contents})
    return Outline(ordered)


def existing_outlines(level_ids) -> dict[int, Outline]:
    """The outlines stored under these levels, in the shape _outline() builds."""
    functions = defaultdict(list)
    for f in OccupationalFunction.objects.filter(level_id__in=level_ids):
        functions[f.level_id].append(f)
    contents = defaultdict(list)
    for c in WorkContent.objects.filter(function__level_id__in=level_ids):
        contents[c.function_id].append(c)
    items = defaultdict(list)
    for r in Requirement.objects.filter(work_content__function__level_id__in=level_ids).order_by(
        "work_content",
        "-kind",
        "position",
        "id",  # skill before knowledge
    ):
        items[r.work_content_id].append(r)
    outlines = {}
    for level_id in level_ids:
        outlines[level_id] = Outline(
            [
                {
                    "number": f.number,
                    "name_zh": f.name_zh,
                    "name_en": f.name_en,
                    "contents": [
                        {
                            "number": c.number,
                            "name_zh": c.name_zh,
                            "name_en": c.name_en,
                            "items": [
                                {
                                    "kind": r.kind,
                                    "number": r.number,
                                    "text_zh": r.text_zh,
                                    "text_en": r.text_en,
                                    "structure_ok": r.structure_ok,
                                    "note": r.note,
                                }
                                for r in items[c.pk]
                            ],
                        }
                        for c in contents[f.pk]
                    ],
                }
                for f in functions[level_id]
            ]
        )
    return outlines


def write_outline(
    level: StandardLevel, outline: Outline, *, reason: str, keep_english=None, user=None
):
    """Replace the level's functions, work contents and items with the outline's, each saved
    with its history; English text a curator added is carried over where the numbers and
    Chinese text are unchanged."""
    english: dict[tuple, str] = {}
    if keep_english is not None:
        for f in keep_english.functions:
            english[("f", f["number"], f["name_zh"])] = f.get("name_en", "")
            for c in f["contents"]:
                english[("c", c["number"], c["name_zh"])] = c.get("name_en", "")
                for i in c["items"]:
                    english[("i", i["kind"], i["number"], i["text_zh"])] = i.get("text_en", "")
    for function in OccupationalFunction.objects.filter(level=level):
        function._change_reason = reason
        function.delete()
    new_functions, new_contents, new_items = [], [], []
    for f_pos, f in enumerate(outline.functions):
        function = OccupationalFunction(
            level=level,
            position=f_pos,
            number=f["number"],
            name_zh=f["name_zh"],
            name_en=english.get(("f", f["number"], f["name_zh"]), ""),
        )
        new_functions.append(function)
        for c_pos, c in enumerate(f["contents"]):
            content = WorkContent(
                function=function,
                position=c_pos,
                number=c["number"],
                name_zh=c["name_zh"],
                name_en=english.get(("c", c["number"], c["name_zh"]), ""),
            )
            new_contents.append(content)
            positions: Counter = Counter()
            for i in c["items"]:
                new_items.append(
                    Requirement(
                        work_content=content,
                        kind=i["kind"],
                        position=positions[i["kind"]],
                        number=i["number"],
                        text_zh=i["text_zh"],
                        text_en=english.get(("i", i["kind"], i["number"], i["text_zh"]), ""),
                        structure_ok=i["structure_ok"],
                        note=i["note"],
                        source_line=i.get("source_line", ""),
                    )
                )
                positions[i["kind"]] += 1
    for model, objects in [
        (OccupationalFunction, new_functions),
        (WorkContent, new_contents),
        (Requirement, new_items),
    ]:
        if model is WorkContent:
            for content in objects:
                content.function_id = content.function.pk
        if model is Requirement:
            for item in objects:
                item.work_content_id = item.work_content.pk
        bulk_create_with_history(
            objects, model, batch_size=500, default_change_reason=reason, default_user=user
        )
    bump()
    return len(new_functions), len(new_contents), len(new_items)


def _import_requirements(
    path: Path,
    grouped: dict[tuple, dict[tuple[str, int], list[Row]]],
    list_keys: dict[tuple, str],
    report: ImportReport,
    progress: Progress,
    done: int,
) -> tuple[int, set[int]]:
    source = _source(REQUIREMENTS_SOURCE)
    reason = f"import_skill_standards {path.name}"
    standards = {str(s.osta_id): s for s in SkillStandard.objects.filter(osta_id__isnull=False)}
    targets = {}
    for key, levels in grouped.items():
        osta_id = list_keys.get(key)
        rows = [row for level_rows in levels.values() for row in level_rows]
        if osta_id is None:
            report.skipped.append(
                f"{path.name}, {_lines(rows)}: {key[0]} {key[1]} ({key[2]}, {key[3]}) joins no "
                "standard of the list; not imported"
            )
            done += len(rows)
            continue
        targets[osta_id] = levels

    standard_updates = {}
    for osta_id in targets:
        standard = standards[osta_id]
        changed = _apply(
            report, "requirement sources", standard, {"text_source": source}, ["text_source"]
        )
        if changed:
            standard_updates[standard] = changed
    _save(SkillStandard, create=[], update=standard_updates, reason=reason)

    wanted = {
        (standards[osta_id].pk, scheme, n)
        for osta_id, levels in targets.items()
        for (scheme, n) in levels
    }
    ids = [standards[osta_id].pk for osta_id in targets]
    levels, created_levels = _levels(ids, wanted)
    report.created["standard levels"] += created_levels
    stored = existing_outlines([levels[key].pk for key in wanted])
    touched: set[int] = set()
    for osta_id, by_level in targets.items():
        standard = standards[osta_id]
        for (scheme, n), rows in by_level.items():
            level = levels[(standard.pk, scheme, n)]
            outline = _outline(rows)
            content_source = LINE_RE.sub("", rows[0]["source"])
            done += len(rows)
            progress(done)
            if level.content_status not in {"", StandardLevel.Content.EXTRACTED}:
                report.kept_curated["level outlines"] += 1
                continue
            current = stored[level.pk]
            same_text = current.signature() == outline.signature()
            if same_text and level.content_status == StandardLevel.Content.EXTRACTED:
                report.unchanged["level outlines"] += 1
                continue
            if not same_text:
                write_outline(level, outline, reason=reason, keep_english=current)
            level.content_status = StandardLevel.Content.EXTRACTED
            level.content_source = content_source
            level._change_reason = reason
            level.save(update_fields=["content_status", "content_source"])
            counter = report.created if not current.functions else report.updated
            counter["level outlines"] += 1
            if standard.occupation_id:
                touched.add(standard.occupation_id)
    return done, touched


# --- All three --------------------------------------------------------------------------------


def skill_standards_import(
    *,
    data_dir: Path | None = None,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import the list of standards, their weight tables and their extracted requirements from
    the data folder, in that order and in one transaction."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    paths = [folder / name for name in (STANDARDS_FILE, WEIGHTS_FILE, REQUIREMENTS_FILE)]
    standards_path, weights_path, requirements_path = paths
    standard_rows = _read_standards(standards_path)
    weight_files = _read_weights(weights_path)
    requirement_rows = _read_requirements(requirements_path)
    list_keys = _list_keys(standard_rows)
    report = StandardsReport(dry_run=dry_run)

    with transaction.atomic():
        done = _import_standards(standards_path, standard_rows, report, progress, 0)
        done = _import_weights(weights_path, weight_files, list_keys, report, progress, done)
        done, touched = _import_requirements(
            requirements_path, requirement_rows, list_keys, report, progress, done
        )
        progress(done)
        if touched:
            refresh_search_documents(sorted(touched))
        report.unmatched = list(
            SkillStandard.objects.filter(occupation__isnull=True)
            .order_by("title", "osta_id")
            .values_list("title", "code_in_standard", "issued_on", "unmatched_reason")
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def total_rows(folder: Path) -> int:
    """How many data rows the three files hold, for a progress bar (lines, roughly)."""
    total = 0
    for name in (STANDARDS_FILE, WEIGHTS_FILE, REQUIREMENTS_FILE):
        path = Path(folder) / name
        if path.is_file():
            total += max(sum(1 for _ in path.open("rb")) - 1, 0)
    return total
