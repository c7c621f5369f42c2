"""Imports of the public reference data: the 2022 national classification and the
new-occupation batches.

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

from . import refresh, services
from .models import (
    MAJOR_CODE_RE,
    MIDDLE_CODE_RE,
    MINOR_CODE_RE,
    OCCUPATION_CODE_RE,
    Announcement,
    DataFileImport,
    DataIssue,
    DatePrecision,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    Source,
)

OCCUPATIONS_FILE = "cn_occupations_2022.csv"
GROUPS_FILE = "cn_occupation_groups_2022.csv"
ANNOUNCEMENTS_FILE = "cn_new_occupations.csv"

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
RECORD_ORIGINS = {"2022_draft", "2024_new_occupation", "2025_new_occupation"}

# The fields each import writes. Everything else (English names and definitions, slugs,
# status, tasks, quotes, standards...) belongs to curators, and so does any of these fields
# once a curator has changed it on a record (its curated_fields).
GROUP_OWNED_FIELDS = ["name_zh", "source"]
OCCUPATION_OWNED_FIELDS = [
    "name_zh",
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
OCCUPATION_ANNOUNCEMENT_FIELDS = ["announcement"]

# The data set's README (shared/data/README.md) names this as the classification's source.
CLASSIFICATION_SOURCE = {
    "key": "occupational-classification-2022-draft",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "中华人民共和国职业分类大典（2022年版）（社会公示稿）",
    "url": "https://github.com/xuanganx/career-navigator",
    "notes": (
        "Codes, names, S/L flags and definitions as extracted from the public-consultation draft "
        "PDF (file 2025042918334715812.pdf) by the career-navigator project, data/occupations.jsonl "
        "at commit e9e0c86 (MIT licence). Page numbers are the PDF's. This is the draft, not the "
        "final 2022 edition: the final edition has 3 more occupations and individual S/L flags "
        "may differ."
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
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        kinds = [*self.created, *self.updated, *self.unchanged]
        out = [f"Warning: {warning}" for warning in self.warnings]
        for kind in dict.fromkeys(kinds):
            out.append(
                f"{kind}: {self.created[kind]} {verb} created, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
        for kind, count in self.kept_curated.items():
            out.append(f"{kind}: curated values kept on {count} records")
        out.append(f"skipped: {len(self.skipped)}")
        out.extend(f"  {reason}" for reason in self.skipped)
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
    name = Path(path).name
    last = DataFileImport.objects.filter(name=name).values_list("rows", flat=True).first()
    if last != rows:
        DataFileImport.objects.update_or_create(name=name, defaults={"rows": rows})
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
        extra = {"updated_at"}
        for obj in update:
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


def classification_source() -> Source:
    """The classification's Source record, created with what the data set's README says."""
    source, _ = Source.objects.get_or_create(
        key=CLASSIFICATION_SOURCE["key"],
        defaults={k: v for k, v in CLASSIFICATION_SOURCE.items() if k != "key"},
    )
    return source


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
                parent is not None and code.startswith(parent + "-"),
                path,
                row,
                f"group {code} needs parent_code {code.rsplit('-', 1)[0]}, not {parent!r}",
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
        for column, length in [("major_code", 1), ("middle_code", 4), ("minor_code", 7)]:
            _check(
                row[column] == code[:length],
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
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import the classification's groups and occupations, keyed by code, in one transaction."""
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
            values = {
                "name_zh": row["name_zh"],
                "minor_group": row["minor_code"],
                "definition_zh": row["definition_zh"],
                "is_digital": row["is_digital"] == "1",
                "is_green": row["is_green"] == "1",
                "source": source,
                "source_page": int(row["source_page"]) if row["source_page"] else None,
                "record_origin": row["record_origin"],
                "origin_file": occupations_path.name,
                "source_notes": row["notes"],
                "data_issues": _data_issues(row, questioned),
            }
            occupation = existing.get(row["code"])
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
                    source=source,
                )
                occupation.refresh_derived_fields()
                create.append(occupation)
            else:
                changed = _apply(report, "occupations", occupation, values, OCCUPATION_OWNED_FIELDS)
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
            values = {k: v for k, v in batch.items() if k != "line"} | {"data_issues": issues}
            announcement = existing.get(number)
            if announcement is None:
                announcement = Announcement.objects.create(
                    key=f"batch-{number}", batch_number=number, **values
                )
                report.created["announcements"] += 1
            else:
                changed = _apply(
                    report, "announcements", announcement, values, ANNOUNCEMENT_OWNED_FIELDS
                )
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
            changed = _apply(
                report,
                "occupation links",
                occupation,
                {"announcement": announcement},
                OCCUPATION_ANNOUNCEMENT_FIELDS,
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
