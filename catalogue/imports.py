"""Imports of the public reference data: the 2022 national classification, the
new-occupation batches and the shared machinery of every import (reading, checking, writing).
The imports of what the sources say about each occupation are in catalogue.record_imports, and
catalogue.data_imports runs them all in order.

Each import reads and checks its whole file before it writes anything, then writes in one
transaction: a bad file changes nothing and the error names the file, the line and the reason.
Records are matched by code (announcements by batch number), so running an import twice changes
nothing, and fields a curator has changed in the admin (``curated_fields``) are never overwritten.
"""

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import codes, refresh, services
from .codes import MAJOR_CODE_RE, MIDDLE_CODE_RE, MINOR_CODE_RE, OCCUPATION_CODE_RE
from .models import (
    Announcement,
    DataIssue,
    DatePrecision,
    ImportedFile,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    Source,
    TextOrigin,
)

OCCUPATIONS_FILE = "cn_occupations_2022.csv"
GROUPS_FILE = "cn_occupation_groups_2022.csv"
ANNOUNCEMENTS_FILE = "cn_new_occupations.csv"
ANNOUNCEMENT_DOCUMENTS_FILE = "cn_announcements.csv"

OCCUPATION_COLUMNS = [
    "code",
    "name_zh",
    "major_code",
    "major_name",
    "middle_code",
    "middle_name",
    "minor_code",
    "minor_name",
    "is_digital",
    "is_green",
    "record_origin",
    "new_occupation_batch",
    "definition_zh",
    "source_page",
    "notes",
]
GROUP_COLUMNS = ["level", "code", "name_zh", "parent_code"]
ANNOUNCEMENT_COLUMNS = [
    "batch_no",
    "batch_date",
    "batch_label",
    "name_zh",
    "code",
    "code_origin",
    "announcement_source",
    "source_note",
]
ANNOUNCEMENT_DOCUMENT_COLUMNS = [
    "batch_no",
    "batch_name",
    "public_comment_date",
    "public_comment_end",
    "published_date",
    "date_status",
    "doc_number",
    "document_no_in_source",
    "title",
    "status",
    "occupations_listed",
    "job_types_listed",
    "official_url",
    "comment_url",
    "cross_check_cn_new_occupations",
    "source",
]
# Rows the source repository added from a later announcement: they cite that announcement.
ANNOUNCED_ORIGINS = {"2024_new_occupation": 2024, "2025_new_occupation": 2025}
RECORD_ORIGINS = {"2022_draft", *ANNOUNCED_ORIGINS}

# The fields each import writes. Everything else (English names and definitions, slugs,
# status, tasks, quotes, standards...) belongs to curators, and so does any of these fields
# once a curator has changed it on a record (its curated_fields).
GROUP_OWNED_FIELDS = ["name_zh", "source"]
OCCUPATION_OWNED_FIELDS = [
    "name_zh",
    "name_zh_origin",
    "minor_group",
    "definition_zh",
    "is_digital",
    "is_green",
    "source",
    "source_page",
    "record_origin",
    "origin_file",
    "source_notes",
    "data_issues",
]
ANNOUNCEMENT_OWNED_FIELDS = [
    "label",
    "date",
    "date_precision",
    "source_urls",
    "source_note",
    "data_issues",
]
ANNOUNCEMENT_DATE_FIELDS = ["date", "date_precision"]
OCCUPATION_ANNOUNCEMENT_FIELDS = ["announcement", "data_issues"]
NAME_MATCH = "name match"

# Each import sets and clears only its own data flags, and keeps the others'.
CLASSIFICATION_ISSUES = {
    DataIssue.DRAFT_EDITION,
    DataIssue.QUESTIONABLE_CODE,
    DataIssue.GARBLED_DEFINITION,
    DataIssue.CORRECTED_IN_CONVERSION,
}
ANNOUNCEMENT_ISSUES = {DataIssue.INCOMPLETE_BATCH}
LINK_ISSUES = {DataIssue.UNVERIFIED_MAPPING}

MOHRSS = (
    "中华人民共和国人力资源和社会保障部 (Ministry of Human Resources and Social Security, MOHRSS)"
)

# The publication and the extraction it reached the catalogue through, as data/README.md says.
CLASSIFICATION_SOURCE = {
    "key": "occupational-classification-2022-draft",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "中华人民共和国职业分类大典（2022年版）（社会公示稿）",
    "publisher": MOHRSS,
    "url": "https://github.com/xuanganx/career-navigator",
    "notes": (
        "The public-consultation draft (社会公示稿) of the 2022 edition of the national "
        "occupational classification, published by MOHRSS. The catalogue has it through an "
        "extraction: codes, names, S/L flags and definitions as the career-navigator project "
        "(xuanganx/career-navigator, data/occupations.jsonl at commit e9e0c86, MIT licence) "
        "extracted them from the draft PDF (file 2025042918334715812.pdf). Page numbers are the "
        "PDF's. This is the draft, not the final 2022 edition: the final edition has 3 more "
        "occupations and individual S/L flags may differ. The 35 occupations the extraction adds "
        "from the 2024 and 2025 announcements cite those announcements instead."
    ),
}


class ImportFileError(Exception):
    """A file that cannot be imported; nothing was written."""

    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = Path(path), line, reason
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool = False
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    kept_curated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        kinds = [*self.created, *self.updated, *self.unchanged]
        out = [f"Warning: {warning}" for warning in self.warnings]
        for kind in dict.fromkeys(kinds):
            line = (
                f"{kind}: {self.created[kind]} {verb} created, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
            if self.deleted[kind]:
                line += f", {self.deleted[kind]} deleted (no longer in the file)"
            out.append(line)
        for kind, count in self.kept_curated.items():
            out.append(f"{kind}: curated values kept on {count} records")
        out.append(f"skipped: {len(self.skipped)}")
        out.extend(f"  {reason}" for reason in self.skipped)
        out.extend(f"note: {note}" for note in self.notes)
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


Progress = Callable[[int], None]


def _no_progress(done: int) -> None:
    pass


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def read_csv(path: Path, columns: list[str]) -> list[Row]:
    """The rows of a UTF-8 CSV file with exactly these columns, each with its line number."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(path, None, f"cannot be read ({error.strerror})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            path, line, f"is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8"
        ) from error
    if not text.strip():
        raise ImportFileError(path, 1, "the file is empty")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(
            path, line, "a NUL character, which no text can hold (a binary file, or UTF-16?)"
        )

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        header = [name.strip() for name in next(reader)]
        unknown = [name for name in header if name not in columns]
        missing = [name for name in columns if name not in header]
        if unknown or missing:
            problems = []
            if unknown:
                problems.append(f"unknown column(s) {', '.join(unknown)}")
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            raise ImportFileError(path, 1, "; ".join(problems))
        if len(set(header)) != len(header):
            raise ImportFileError(path, 1, "a column name is repeated")
        start = reader.line_num + 1
        for record in reader:
            if record:  # blank lines are allowed
                if len(record) != len(header):
                    raise ImportFileError(
                        path,
                        start,
                        f"expected {len(header)} fields, found {len(record)} "
                        "(a stray comma, a missing quote, or a cut-off line?)",
                    )
                rows.append(Row(start, {k: v.strip() for k, v in zip(header, record, strict=True)}))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(path, reader.line_num, f"malformed CSV ({error})") from error
    if text and not text.endswith(("\n", "\r")) and rows:
        # A file cut off in the middle of its last line still parses; a missing final
        # newline is how such a truncation shows.
        last = rows[-1]
        if any(not last[column] for column in columns[:2]):
            raise ImportFileError(path, last.line, "the file ends in the middle of a row")
    return rows


def check_row_count(path: Path, rows: int) -> str | None:
    """A warning when the file has fewer rows than the last import of it read (a file cut
    off cleanly at the end of a line still parses); remembers this count for the next import.

    Call it inside the import's transaction, so that a dry run or a failure remembers nothing.
    """
    from .data_imports import sha256

    name = Path(path).name
    last = ImportedFile.objects.filter(name=name).values_list("rows", flat=True).first()
    ImportedFile.objects.update_or_create(
        name=name,
        defaults={"rows": rows, "sha256": sha256(Path(path)), "imported_at": timezone.now()},
    )
    if last is not None and rows < last:
        return f"{name} has {rows} rows where its last import had {last}: is it complete?"
    return None


def _check(condition: bool, path: Path, row: Row, reason: str) -> None:
    if not condition:
        raise ImportFileError(path, row.line, reason)


def _is_whole_number(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts ² and ①, which int() refuses."""
    return re.fullmatch(r"[0-9]+", value) is not None


def _flag(row: Row, column: str, path: Path) -> bool:
    _check(row[column] in {"0", "1"}, path, row, f"{column} must be 0 or 1, not {row[column]!r}")
    return row[column] == "1"


# --- Writing ----------------------------------------------------------------------------------


def _apply(report: ImportReport, kind: str, obj, values: dict, owned: Iterable[str]) -> list[str]:
    """Set the imported values of the owned fields no curator changed; count the record as
    unchanged or as keeping curated values; return the names of the fields that changed."""
    changed, kept = _changes(obj, values, owned)
    if kept:
        report.kept_curated[kind] += 1
    if not changed:
        report.unchanged[kind] += 1
    return changed


def _changes(obj, values: dict, owned: Iterable[str]) -> tuple[list[str], list[str]]:
    """The owned fields whose imported value differs, and those kept because curated."""
    changed, kept = [], []
    for name in owned:
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname)
        new = values[name]
        new = new.pk if hasattr(new, "pk") else new
        if current == new:
            continue
        if name in obj.curated_fields:
            kept.append(name)
        else:
            setattr(obj, field.attname, new)
            changed.append(name)
    return changed, kept


def _save(model, *, create: list, update: dict, reason: str) -> None:
    """Bulk writes that still leave a history record for each row.

    ``update`` maps each changed object to the names of the fields that changed.
    """
    if create:
        bulk_create_with_history(create, model, batch_size=500, default_change_reason=reason)
    if update:
        now = timezone.now()
        has_timestamp = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        extra = {"updated_at"} if has_timestamp else set()
        for obj in update:
            if has_timestamp:
                obj.updated_at = now
            if hasattr(obj, "revision"):
                # An admin form opened before this import may not save over it.
                obj.revision += 1
                extra.add("revision")
        fields = sorted({name for names in update.values() for name in names} | extra)
        bulk_update_with_history(
            list(update), model, fields, batch_size=500, default_change_reason=reason
        )
    # Bulk writes send no signals: what a save would refresh (the version, search text).
    refresh.bulk_changed(model, [*create, *update])


def merge_issues(current: Iterable[str], computed: Iterable[str], owned: set) -> list[str]:
    """The flags an import computed in place of its own earlier ones, the other imports' flags
    kept; in the order of DataIssue, so that comparing two lists compares their flags."""
    wanted = {str(i) for i in current if i not in owned} | {str(i) for i in computed}
    return [value for value in DataIssue.values if value in wanted] + sorted(
        wanted - set(DataIssue.values)
    )


def source_from_spec(spec: dict) -> Source:
    """The Source with this key, created or brought up to date with the facts an import states
    of it (only those: a curator's other fields stay)."""
    values = {k: v for k, v in spec.items() if k != "key"}
    source = Source.objects.filter(key=spec["key"]).first()
    if source is None:
        return Source.objects.create(key=spec["key"], **values)
    changed = [name for name, value in values.items() if getattr(source, name) != value]
    if changed:
        for name in changed:
            setattr(source, name, values[name])
        source.save()
    return source


def classification_source() -> Source:
    """The classification's Source record, with what the data's README says of it."""
    return source_from_spec(CLASSIFICATION_SOURCE)


# --- The announcements' documents (cn_announcements.csv) ------------------------------------

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_announcement_documents(path: Path) -> dict[int, Row]:
    """The rows of cn_announcements.csv by batch number, each checked."""
    path = Path(path)
    documents: dict[int, Row] = {}
    for row in read_csv(path, ANNOUNCEMENT_DOCUMENT_COLUMNS):
        _check(
            row["batch_no"].isdigit() and int(row["batch_no"]) >= 1,
            path,
            row,
            f"batch_no must be a number from 1, not {row['batch_no']!r}",
        )
        number = int(row["batch_no"])
        _check(number not in documents, path, row, f"batch {number} is listed twice")
        _check(bool(row["batch_name"]), path, row, "batch_name is empty")
        for column in ["public_comment_date", "public_comment_end", "published_date"]:
            value = row[column]
            _check(
                value == "" or bool(DATE_RE.fullmatch(value)),
                path,
                row,
                f"{column} must be YYYY-MM-DD or empty, not {value!r}",
            )
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    _check(False, path, row, f"{column} {value!r} is not a date")
        _check(
            row["date_status"] in {"verified", "published_fallback"},
            path,
            row,
            f"date_status must be verified or published_fallback, not {row['date_status']!r}",
        )
        _check(
            row["status"] in {"published", "public_comment"},
            path,
            row,
            f"status must be published or public_comment, not {row['status']!r}",
        )
        _check(
            row["status"] != "published" or bool(row["published_date"]),
            path,
            row,
            "a published batch needs its published_date",
        )
        for column in ["official_url", "comment_url"]:
            _check(
                row[column] == "" or bool(URL_RE.fullmatch(row[column])),
                path,
                row,
                f"{column} must be an http(s) address or empty, not {row[column]!r}",
            )
        for column in ["occupations_listed", "job_types_listed"]:
            _check(
                row[column] == "" or row[column].isdigit(),
                path,
                row,
                f"{column} must be a number or empty, not {row[column]!r}",
            )
        documents[number] = row
    return documents


def announcement_source_spec(row: Row, path: Path) -> dict:
    """What cn_announcements.csv says of one batch's document, as a Source."""
    document = row["doc_number"] or row["document_no_in_source"]
    verified = row["date_status"] == "verified" and row["published_date"]
    return {
        "key": f"announcement-batch-{row['batch_no']}",
        "kind": Source.Kind.ANNOUNCEMENT,
        "language": "zh-Hans",
        "title": f"{document} ({row['batch_name']})" if document else row["batch_name"],
        "publisher": MOHRSS,
        "published_on": date.fromisoformat(row["published_date"]) if verified else None,
        "url": row["official_url"],
        "notes": (
            f"The document of the {row['batch_name']} new occupations, as {path.name} records it "
            f"from {row['source']} (data licence CC BY 4.0): status {row['status']}, published "
            f"{row['published_date'] or 'not yet'} ({row['date_status']}). The codes, names and "
            "definitions of this batch's occupations come from this announcement through the "
            "career-navigator extraction (xuanganx/career-navigator, data/occupations.jsonl, "
            "commit e9e0c86)."
        ),
    }


def _announcement_sources(path: Path | None, rows: list[Row], occupations_path: Path) -> dict:
    """The Source each announced record origin cites (2024 → that year's batch), from the
    announcements' documents; empty without that file."""
    needed = {row["record_origin"] for row in rows if row["record_origin"] in ANNOUNCED_ORIGINS}
    if not needed or path is None:
        return {}
    documents = read_announcement_documents(path)
    sources = {}
    for origin in sorted(needed):
        year = str(ANNOUNCED_ORIGINS[origin])
        batches = [
            row
            for row in documents.values()
            if row["status"] == "published" and row["published_date"].startswith(year)
        ]
        if len(batches) != 1:
            raise ImportFileError(
                path,
                None,
                f"{occupations_path.name} has {origin} rows, and exactly one batch published in "
                f"{year} is needed to cite; found {len(batches)}",
            )
        sources[origin] = source_from_spec(announcement_source_spec(batches[0], Path(path)))
    return sources


# --- The classification -----------------------------------------------------------------------

GROUP_LEVELS = {
    "major": (MajorGroup, MAJOR_CODE_RE, None),
    "middle": (MiddleGroup, MIDDLE_CODE_RE, "major"),
    "minor": (MinorGroup, MINOR_CODE_RE, "middle"),
}


def _read_groups(path: Path) -> dict[str, dict[str, tuple[Row, str | None]]]:
    levels: dict[str, dict[str, tuple[Row, str | None]]] = {level: {} for level in GROUP_LEVELS}
    for row in read_csv(path, GROUP_COLUMNS):
        level = row["level"]
        _check(
            level in GROUP_LEVELS, path, row, f"level must be major, middle or minor, not {level!r}"
        )
        _, pattern, parent_level = GROUP_LEVELS[level]
        code = row["code"]
        _check(bool(re.fullmatch(pattern, code)), path, row, f"bad {level} group code {code!r}")
        _check(bool(row["name_zh"]), path, row, f"group {code} has no name")
        seen = next((lvl for lvl, groups in levels.items() if code in groups), None)
        _check(seen is None, path, row, f"duplicate group code {code}")
        parent = row["parent_code"] or None
        if parent_level:
            _check(
                parent is not None and codes.is_under(code, parent),
                path,
                row,
                f"group {code} needs parent_code {codes.prefix(code, parent_level)}, not {parent!r}",
            )
            _check(
                parent in levels[parent_level],
                path,
                row,
                f"parent group {parent} of {code} is not listed before it",
            )
        else:
            _check(parent is None, path, row, f"major group {code} cannot have a parent")
        levels[level][code] = (row, parent)
    return levels


def _data_issues(row: Row, questioned_codes: set[str]) -> list[str]:
    notes = row["notes"].lower()
    issues = []
    if row["record_origin"] == "2022_draft":
        issues.append(DataIssue.DRAFT_EDITION)
    if row["code"] in questioned_codes:
        issues.append(DataIssue.QUESTIONABLE_CODE)
    if "garbled" in notes:
        issues.append(DataIssue.GARBLED_DEFINITION)
    if any(word in notes for word in ("stripped", "truncated", "normalised", "normalized")):
        issues.append(DataIssue.CORRECTED_IN_CONVERSION)
    return [str(issue) for issue in issues]


def _questioned_codes(rows: list[Row]) -> set[str]:
    """Codes the notes ask to verify, and the codes they say an announcement gave instead."""
    codes = set()
    for row in rows:
        notes = row["notes"].lower()
        if "verify" in notes or "announcement lists code" in notes:
            codes.add(row["code"])
            codes.update(re.findall(r"\d-\d{2}-\d{2}-\d{2}", row["notes"]))
    return codes


def _read_occupations(path: Path, groups) -> list[Row]:
    rows = read_csv(path, OCCUPATION_COLUMNS)
    first_line: dict[str, int] = {}
    for row in rows:
        code = row["code"]
        _check(
            bool(re.fullmatch(OCCUPATION_CODE_RE, code)), path, row, f"bad occupation code {code!r}"
        )
        _check(
            code not in first_line,
            path,
            row,
            f"duplicate code {code} (first on line {first_line.get(code)})",
        )
        first_line[code] = row.line
        _check(bool(row["name_zh"]), path, row, f"occupation {code} has no name")
        for group_level in codes.GROUP_LEVELS:
            column = f"{group_level}_code"
            _check(
                row[column] == codes.prefix(code, group_level),
                path,
                row,
                f"{column} {row[column]!r} does not match code {code}",
            )
        _check(
            row["minor_code"] in groups["minor"],
            path,
            row,
            f"minor group {row['minor_code']} of {code} is not in the groups file",
        )
        _flag(row, "is_digital", path)
        _flag(row, "is_green", path)
        _check(
            row["record_origin"] in RECORD_ORIGINS,
            path,
            row,
            f"unknown record_origin {row['record_origin']!r}",
        )
        _check(
            row["source_page"] == "" or _is_whole_number(row["source_page"]),
            path,
            row,
            f"source_page must be a page number, not {row['source_page']!r}",
        )
    return rows


def classification_import(
    *,
    occupations_path: Path,
    groups_path: Path,
    announcements_path: Path | None = None,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import the classification's groups and occupations, keyed by code, in one transaction.

    The rows added from the 2024 and 2025 announcements cite those announcements, whose
    documents ``announcements_path`` (cn_announcements.csv) describes; without it they cite the
    classification's data set, and the report says so.
    """
    occupations_path, groups_path = Path(occupations_path), Path(groups_path)
    groups = _read_groups(groups_path)
    rows = _read_occupations(occupations_path, groups)
    report = ImportReport(dry_run=dry_run)
    reason = f"import_classification {occupations_path.name}"

    with transaction.atomic():
        for path, count in [
            (groups_path, sum(len(level) for level in groups.values())),
            (occupations_path, len(rows)),
        ]:
            if warning := check_row_count(path, count):
                report.warnings.append(warning)
        source = classification_source()
        row_sources = _announcement_sources(announcements_path, rows, occupations_path)
        announced = sum(1 for row in rows if row["record_origin"] in ANNOUNCED_ORIGINS)
        if announced and not row_sources:
            report.notes.append(
                f"{announced} rows from the 2024/2025 announcements cite the classification's "
                f"data set: no {ANNOUNCEMENT_DOCUMENTS_FILE} was given to cite the announcements"
            )
        for level, (model, _, parent_level) in GROUP_LEVELS.items():
            parent_field = f"{parent_level}_group" if parent_level else None
            existing = {group.code: group for group in model.objects.all()}
            create, update = [], {}
            for code, (row, parent) in groups[level].items():
                values = {"name_zh": row["name_zh"], "source": source}
                owned = GROUP_OWNED_FIELDS
                if parent_field:
                    values[parent_field] = parent
                    owned = [*owned, parent_field]
                group = existing.get(code)
                if group is None:
                    group = model(code=code, source=source, name_zh=row["name_zh"])
                    if parent_field:
                        setattr(group, f"{parent_field}_id", parent)
                    create.append(group)
                    continue
                changed = _apply(report, f"{level} groups", group, values, owned)
                if changed:
                    update[group] = changed
            report.created[f"{level} groups"] += len(create)
            report.updated[f"{level} groups"] += len(update)
            _save(model, create=create, update=update, reason=reason)

        questioned = _questioned_codes(rows)
        existing = {o.code: o for o in Occupation.objects.filter(code__isnull=False)}
        slugs = set(Occupation.objects.values_list("slug", flat=True))
        now = timezone.now()
        create, update = [], {}
        for done, row in enumerate(rows, start=1):
            occupation = existing.get(row["code"])
            values = {
                "name_zh": row["name_zh"],
                "name_zh_origin": TextOrigin.OFFICIAL,
                "minor_group": row["minor_code"],
                "definition_zh": row["definition_zh"],
                "is_digital": row["is_digital"] == "1",
                "is_green": row["is_green"] == "1",
                "source": row_sources.get(row["record_origin"], source),
                "source_page": int(row["source_page"]) if row["source_page"] else None,
                "record_origin": row["record_origin"],
                "origin_file": occupations_path.name,
                "source_notes": row["notes"],
                "data_issues": merge_issues(
                    occupation.data_issues if occupation else [],
                    _data_issues(row, questioned),
                    CLASSIFICATION_ISSUES,
                ),
            }
            owned = OCCUPATION_OWNED_FIELDS
            if occupation is not None and occupation.definition_source_id:
                # The final edition's definition replaced the draft's (record_imports).
                owned = [name for name in owned if name != "definition_zh"]
            if occupation is None:
                slug = services.occupation_slug(
                    name_zh=row["name_zh"], code=row["code"], taken=slugs
                )
                occupation = Occupation(
                    code=row["code"],
                    slug=slug,
                    kind=Occupation.Kind.OCCUPATION,
                    status=Occupation.Status.PUBLISHED,
                    imported_at=now,
                    **{k: v for k, v in values.items() if k not in {"minor_group", "source"}},
                    minor_group_id=row["minor_code"],
                    source=values["source"],
                )
                occupation.refresh_derived_fields()
                create.append(occupation)
            else:
                changed = _apply(report, "occupations", occupation, values, owned)
                if changed:
                    occupation.imported_at = now
                    occupation.refresh_derived_fields()
                    update[occupation] = [*changed, "imported_at", "name_pinyin"]
            if done % 100 == 0 or done == len(rows):
                progress(done)
        report.created["occupations"] += len(create)
        report.updated["occupations"] += len(update)
        _save(Occupation, create=create, update=update, reason=reason)

        if dry_run:
            transaction.set_rollback(True)
    return report


# --- The new-occupation batches ---------------------------------------------------------------

URL_RE = re.compile(r"https?://[^\s;，,)）]+")
BATCH_COUNT_RE = re.compile(r"(\d+)\s*个新职业")


def _parse_date(value: str, path: Path, row: Row) -> tuple[date, str]:
    for pattern, precision in [
        (r"(\d{4})-(\d{2})-(\d{2})", DatePrecision.DAY),
        (r"(\d{4})-(\d{2})", DatePrecision.MONTH),
        (r"(\d{4})", DatePrecision.YEAR),
    ]:
        match = re.fullmatch(pattern, value)
        if match:
            parts = [int(p) for p in match.groups()] + [1] * (3 - len(match.groups()))
            try:
                return date(*parts), str(precision)
            except ValueError:
                break
    raise ImportFileError(
        path, row.line, f"batch_date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}"
    )


def announcements_import(
    *, path: Path, dry_run: bool = False, progress: Progress = _no_progress
) -> ImportReport:
    """Import the new-occupation batches and link their occupations by code, in one transaction.

    Occupations announced without a code become uncoded occupations flagged for curation.
    """
    path = Path(path)
    rows = read_csv(path, ANNOUNCEMENT_COLUMNS)
    batches: dict[int, dict] = {}
    members: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        _check(
            _is_whole_number(row["batch_no"]) and int(row["batch_no"]) >= 1,
            path,
            row,
            f"batch_no must be a number from 1, not {row['batch_no']!r}",
        )
        number = int(row["batch_no"])
        _check(bool(row["name_zh"]), path, row, "the occupation has no name")
        _check(
            row["code"] == "" or bool(re.fullmatch(OCCUPATION_CODE_RE, row["code"])),
            path,
            row,
            f"bad occupation code {row['code']!r}",
        )
        day, precision = _parse_date(row["batch_date"], path, row)
        batch = {
            "label": row["batch_label"],
            "date": day,
            "date_precision": precision,
            "source_urls": URL_RE.findall(row["announcement_source"]),
            "source_note": row["announcement_source"],
        }
        if number in batches:
            first = batches[number]
            for key in ["label", "date", "source_note"]:
                _check(
                    first[key] == batch[key],
                    path,
                    row,
                    f"batch {number}'s {key} differs from its line {first['line']}",
                )
        else:
            batches[number] = {**batch, "line": row.line}
        members[number].append(row)

    codes = [row["code"] for row in rows if row["code"]]
    duplicated = [code for code, n in Counter(codes).items() if n > 1]
    if duplicated:
        row = [r for r in rows if r["code"] == duplicated[0]][1]
        raise ImportFileError(path, row.line, f"code {duplicated[0]} is listed in two batches")
    known = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    for row in rows:
        _check(
            not row["code"] or row["code"] in known,
            path,
            row,
            f"code {row['code']} ({row['name_zh']}) is not in the catalogue; "
            "import the classification first",
        )

    report = ImportReport(dry_run=dry_run)
    reason = f"import_announcements {path.name}"
    with transaction.atomic():
        if warning := check_row_count(path, len(rows)):
            report.warnings.append(warning)
        existing = {
            a.batch_number: a for a in Announcement.objects.filter(batch_number__isnull=False)
        }
        announcements = {}
        for number, batch in sorted(batches.items()):
            expected = BATCH_COUNT_RE.search(batch["label"])
            issues = []
            if expected and int(expected.group(1)) > len(members[number]):
                issues.append(str(DataIssue.INCOMPLETE_BATCH))
            announcement = existing.get(number)
            values = {k: v for k, v in batch.items() if k != "line"} | {
                "data_issues": merge_issues(
                    announcement.data_issues if announcement else [], issues, ANNOUNCEMENT_ISSUES
                )
            }
            if announcement is None:
                announcement = Announcement.objects.create(
                    key=f"batch-{number}", batch_number=number, **values
                )
                report.created["announcements"] += 1
            else:
                owned = ANNOUNCEMENT_OWNED_FIELDS
                if announcement.date_source:
                    # The documents import weighed this date against another source's.
                    owned = [name for name in owned if name not in ANNOUNCEMENT_DATE_FIELDS]
                changed = _apply(report, "announcements", announcement, values, owned)
                if changed:
                    announcement._change_reason = reason
                    announcement.save()
                    report.updated["announcements"] += 1
            announcements[number] = announcement

        uncoded = {
            o.name_zh: o for o in Occupation.objects.filter(code__isnull=True, kind="occupation")
        }
        slugs = set(Occupation.objects.values_list("slug", flat=True))
        now = timezone.now()
        create, update = [], {}
        for done, row in enumerate(rows, start=1):
            announcement = announcements[int(row["batch_no"])]
            if row["code"]:
                occupation = known[row["code"]]
                if occupation.name_zh != row["name_zh"]:
                    report.skipped.append(
                        f"line {row.line}: {row['code']} is {occupation.name_zh} in the catalogue, "
                        f"not {row['name_zh']}; not linked"
                    )
                    continue
            else:
                occupation = uncoded.get(row["name_zh"])
                if occupation is None:
                    occupation = Occupation(
                        code=None,
                        name_zh=row["name_zh"],
                        name_zh_origin=TextOrigin.OFFICIAL,
                        slug=services.occupation_slug(name_zh=row["name_zh"], taken=slugs),
                        kind=Occupation.Kind.OCCUPATION,
                        status=Occupation.Status.PUBLISHED,
                        announcement=announcement,
                        needs_review=True,
                        data_issues=[str(DataIssue.NO_CODE)],
                        source_notes=row["source_note"],
                        origin_file=path.name,
                        imported_at=now,
                        curation_notes=(
                            f"Announced in {announcement.label} without a code in the "
                            "classification; find its code or the occupation it became."
                        ),
                    )
                    occupation.refresh_derived_fields()
                    uncoded[row["name_zh"]] = occupation
                    create.append(occupation)
                    continue
            # Batches 1-4 name their occupations; the data joins a name to its 2022 code.
            by_name = row["code_origin"].startswith(NAME_MATCH)
            values = {
                "announcement": announcement,
                "data_issues": merge_issues(
                    occupation.data_issues,
                    [DataIssue.UNVERIFIED_MAPPING] if by_name else [],
                    LINK_ISSUES,
                ),
            }
            changed = _apply(
                report, "occupation links", occupation, values, OCCUPATION_ANNOUNCEMENT_FIELDS
            )
            if changed:
                update[occupation] = changed
            if done % 20 == 0 or done == len(rows):
                progress(done)
        report.created["uncoded occupations"] += len(create)
        report.updated["occupation links"] += len(update)
        _save(Occupation, create=create, update=update, reason=reason)

        if dry_run:
            transaction.set_rollback(True)
    return report
