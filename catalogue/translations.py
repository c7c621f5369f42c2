"""The catalogue's own English: the translation files in data/translations/, read, checked and
imported, and the curators' round trip (export what needs review, import it back reviewed).

There is no official English version of the classification, so every English name, definition,
task and job type these files give is the catalogue's translation: it is stored with its origin
(``catalogue_translation``, or ``curator`` once a curator rewrites it) and its review status,
and shown with a mark saying so. English that a source article gives, or a curator wrote, is
never overwritten by a file.

Each file holds one kind of text, one row per record: the record's key, the Chinese text the
record holds (``zh``), the English (``en``), the review ``status`` and a ``note``. A row whose
Chinese no longer matches its record is stale: it is reported and not written.
"""

import csv
import re
import tempfile
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .codes import MAJOR_CODE_RE, MIDDLE_CODE_RE, MINOR_CODE_RE, OCCUPATION_CODE_RE
from .imports import ImportFileError, ImportReport, Row, read_csv
from .models import (
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationTask,
    ReviewStatus,
    TextOrigin,
)
from .search.documents import refresh_search_documents
from .search.vocabulary import rebuild_vocabulary
from .versioning import bump

TRANSLATIONS_DIR = Path(settings.BASE_DIR) / "data" / "translations"
GLOSSARY_FILE = "glossary.csv"
GLOSSARY_COLUMNS = ["zh", "en", "note"]

# English a file may not replace: what a source gives and what a curator wrote.
PROTECTED_ORIGINS = {TextOrigin.SOURCE_ARTICLE, TextOrigin.CURATOR, TextOrigin.OFFICIAL}
# English that is the catalogue's own work, shown with a mark and its review status.
TRANSLATED_ORIGINS = {TextOrigin.CATALOGUE_TRANSLATION, TextOrigin.CURATOR}
CODE_ORDER = F("code").asc(nulls_last=True)

Progress = Callable[[int], None]


def _no_progress(done: int) -> None:
    pass


# --- The kinds of text ------------------------------------------------------------------------


@dataclass
class Placement:
    """Where a row of a file goes: its records, or why it goes nowhere."""

    row: Row
    records: list = field(default_factory=list)
    problem: str = ""
    # "stale": its record's Chinese is no longer the row's; "ambiguous": several records match;
    # "missing": no record matches.
    failure: str = ""

    @property
    def stale(self) -> bool:
        return self.failure == "stale"


def _missing(row: Row, problem: str) -> Placement:
    return Placement(row, problem=problem, failure="missing")


def _stale(row: Row, record, problem: str) -> Placement:
    """A row whose record's Chinese has changed; the record is kept only to be named."""
    return Placement(row, [record], problem=f"stale: {problem}", failure="stale")


class TextKind(ABC):
    """One kind of translated text: its file, its columns, how a row finds its records, and
    which fields of those records hold the Chinese, the English and its provenance."""

    name = ""
    label = ""
    singular = ""
    key_columns: list[str] = []
    zh_field = ""
    en_field = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [*self.key_columns, "zh", "en", "status", "note"]

    @property
    def origin_field(self) -> str:
        return f"{self.en_field}_origin"

    @property
    def review_field(self) -> str:
        return f"{self.en_field}_review"

    def key(self, row: Row) -> tuple:
        return tuple(row[column] for column in self.key_columns)

    def check_key(self, row: Row) -> str:
        """Why the row's key is malformed, or ''."""
        return ""

    @abstractmethod
    def place(self, rows: list[Row]) -> list[Placement]:
        """Each row with the records it translates, in a fixed number of queries."""

    @abstractmethod
    def records(self) -> Iterable:
        """Every record of this kind, for the exports and the check."""

    @abstractmethod
    def export_row(self, record) -> dict: ...

    def needs_english(self, record) -> bool:
        """Whether an untranslated record has Chinese to translate (the export lists it)."""
        return bool(getattr(record, self.zh_field))

    @abstractmethod
    def describe(self, record) -> str: ...


def _curated(model) -> list[str]:
    """["curated_fields"] where the model records what curators changed, loaded with the rows
    (the import reads it for every record)."""
    names = {field.name for field in model._meta.concrete_fields}
    return ["curated_fields"] if "curated_fields" in names else []


def _code_problem(code: str, pattern: str, what: str, *, required: bool = True) -> str:
    if not code:
        return f"{what} code is missing" if required else ""
    if not re.fullmatch(pattern, code):
        return f"bad {what} code {code!r}"
    return ""


class OccupationText(TextKind):
    """Names and definitions of occupations, keyed by code and the Chinese text.

    An occupation the catalogue keeps without the code the translation's source gives it
    (a code two occupations share in the source, or one announced without a code) is found
    by its Chinese text among the occupations without a code.
    """

    key_columns = ["code"]
    code_required = False

    def key(self, row: Row) -> tuple:
        return (row["code"], row["zh"])

    def check_key(self, row: Row) -> str:
        return _code_problem(
            row["code"], OCCUPATION_CODE_RE, "occupation", required=self.code_required
        )

    def _load(self, rows: list[Row]):
        codes = {row["code"] for row in rows if row["code"]}
        texts = {row["zh"] for row in rows}
        return Occupation.objects.filter(
            Q(code__in=codes) | Q(code=None, **{f"{self.zh_field}__in": texts})
        ).only(
            "code",
            "name_zh",
            "curated_fields",
            self.zh_field,
            self.en_field,
            self.origin_field,
            self.review_field,
        )

    def place(self, rows: list[Row]) -> list[Placement]:
        by_code, uncoded = {}, defaultdict(list)
        for occupation in self._load(rows):
            if occupation.code:
                by_code[occupation.code] = occupation
            else:
                uncoded[getattr(occupation, self.zh_field)].append(occupation)
        keys = {(row["code"], row["zh"]) for row in rows}
        placements = []
        for row in rows:
            code, zh = row["code"], row["zh"]
            coded = by_code.get(code) if code else None
            candidates = uncoded.get(zh, [])
            # Another row is for the coded record: this one is for an occupation the source
            # files under the same code (康复技师 beside 心理治疗技师), not a stale row of it.
            shared = coded is not None and (code, getattr(coded, self.zh_field)) in keys
            if coded is not None and getattr(coded, self.zh_field) == zh:
                placements.append(Placement(row, [coded]))
            elif len(candidates) == 1:
                placements.append(Placement(row, candidates))
            elif len(candidates) > 1:
                problem = f"{len(candidates)} occupations without a code match it"
                placements.append(Placement(row, problem=problem, failure="ambiguous"))
            elif shared:
                problem = f"no occupation {code} with this Chinese; the code is another's"
                placements.append(_missing(row, problem))
            elif coded is not None:
                placements.append(_stale(row, coded, self.stale_reason(coded)))
            elif code:
                placements.append(_missing(row, f"no occupation {code} in the catalogue"))
            else:
                placements.append(_missing(row, f"no occupation without a code is named «{zh}»"))
        return placements

    @abstractmethod
    def stale_reason(self, occupation) -> str: ...

    def records(self):
        return Occupation.objects.order_by(CODE_ORDER, "name_zh", "pk").only(
            "code", "name_zh", "curated_fields", self.zh_field, self.en_field,
            self.origin_field, self.review_field,
        )  # fmt: skip

    def export_row(self, occupation) -> dict:
        return {"code": occupation.code or "", "zh": getattr(occupation, self.zh_field)}

    def describe(self, occupation) -> str:
        return f"{occupation.code or '(no code)'} {occupation.name_zh}"


class OccupationNames(OccupationText):
    name = "occupation_names"
    label = "occupation names"
    singular = "name"
    zh_field, en_field = "name_zh", "name_en"

    def stale_reason(self, occupation) -> str:
        return f"{occupation.code} is named «{occupation.name_zh}» in the catalogue"


class OccupationDefinitions(OccupationText):
    name = "occupation_definitions"
    label = "occupation definitions"
    singular = "definition"
    zh_field, en_field = "definition_zh", "definition_en"
    code_required = True

    def stale_reason(self, occupation) -> str:
        return (
            f"the catalogue's Chinese definition of {occupation.code} {occupation.name_zh} "
            "is not this row's"
        )


GROUP_LEVELS = [
    (MajorGroup, MAJOR_CODE_RE),
    (MiddleGroup, MIDDLE_CODE_RE),
    (MinorGroup, MINOR_CODE_RE),
]


def group_model(code: str):
    """The group model whose codes have this form, or None."""
    return next((model for model, pattern in GROUP_LEVELS if re.fullmatch(pattern, code)), None)


class GroupNames(TextKind):
    name = "group_names"
    label = "group names"
    singular = "name"
    key_columns = ["code"]
    zh_field, en_field = "name_zh", "name_en"

    def check_key(self, row: Row) -> str:
        if group_model(row["code"]) is None:
            return (
                f"bad group code {row['code']!r} (a major, middle or minor group: 4, 4-04, 4-04-05)"
            )
        return ""

    def place(self, rows: list[Row]) -> list[Placement]:
        codes = {row["code"] for row in rows}
        groups = {
            group.code: group
            for model, _ in GROUP_LEVELS
            for group in model.objects.filter(code__in=codes)
        }
        placements = []
        for row in rows:
            group = groups.get(row["code"])
            if group is None:
                placements.append(_missing(row, f"no group {row['code']} in the catalogue"))
            elif group.name_zh != row["zh"]:
                placements.append(
                    _stale(
                        row,
                        group,
                        f"group {group.code} is named «{group.name_zh}» in the catalogue",
                    )
                )
            else:
                placements.append(Placement(row, [group]))
        return placements

    def records(self):
        for model, _ in GROUP_LEVELS:
            yield from model.objects.order_by("code")

    def export_row(self, group) -> dict:
        return {"code": group.code, "zh": group.name_zh}

    def describe(self, group) -> str:
        return f"{group._meta.verbose_name} {group.code} {group.name_zh}"


class TaskTexts(TextKind):
    name = "task_texts"
    label = "tasks"
    singular = "text"
    key_columns = ["code", "position"]
    zh_field, en_field = "text_zh", "text_en"

    def check_key(self, row: Row) -> str:
        problem = _code_problem(row["code"], OCCUPATION_CODE_RE, "occupation")
        if problem:
            return problem
        if not row["position"].isdigit():
            return f"position must be a whole number, not {row['position']!r}"
        return ""

    def _tasks(self):
        return OccupationTask.objects.select_related("occupation").only(
            "occupation__code",
            "occupation__name_zh",
            "position",
            "text_zh",
            "text_en",
            "text_en_origin",
            "text_en_review",
            *_curated(OccupationTask),
        )

    def place(self, rows: list[Row]) -> list[Placement]:
        codes = {row["code"] for row in rows}
        tasks = {
            (task.occupation.code, task.position): task
            for task in self._tasks().filter(occupation__code__in=codes)
        }
        placements = []
        for row in rows:
            task = tasks.get((row["code"], int(row["position"])))
            if task is None:
                placements.append(
                    _missing(row, f"no task {row['position']} of {row['code']} in the catalogue")
                )
            elif task.text_zh != row["zh"]:
                placements.append(
                    _stale(
                        row, task, f"task {task.position} of {row['code']} reads differently now"
                    )
                )
            else:
                placements.append(Placement(row, [task]))
        return placements

    def records(self):
        return self._tasks().exclude(occupation__code=None).order_by("occupation__code", "position")

    def export_row(self, task) -> dict:
        return {"code": task.occupation.code, "position": str(task.position), "zh": task.text_zh}

    def describe(self, task) -> str:
        return f"task {task.position} of {task.occupation.code} {task.occupation.name_zh}"


class JobTypeNames(TextKind):
    """Job types (工种), keyed by their occupation's code and their Chinese name; a row without
    an occupation code names every job type of that name."""

    name = "job_type_names"
    label = "job types"
    singular = "name"
    key_columns = ["occupation_code"]
    zh_field, en_field = "name_zh", "name_en"

    def key(self, row: Row) -> tuple:
        return (row["occupation_code"], row["zh"])

    def check_key(self, row: Row) -> str:
        return _code_problem(
            row["occupation_code"], OCCUPATION_CODE_RE, "occupation", required=False
        )

    def _job_types(self):
        return JobType.objects.select_related("occupation").only(
            "occupation__code",
            "occupation__name_zh",
            "name_zh",
            "name_en",
            "name_en_origin",
            "name_en_review",
            *_curated(JobType),
        )

    def place(self, rows: list[Row]) -> list[Placement]:
        found = defaultdict(list)
        for job_type in self._job_types().filter(name_zh__in={row["zh"] for row in rows}):
            found[job_type.name_zh].append(job_type)
        placements = []
        for row in rows:
            code = row["occupation_code"]
            records = [j for j in found[row["zh"]] if not code or j.occupation.code == code]
            if records:
                placements.append(Placement(row, records))
            else:
                where = f" of {code}" if code else ""
                placements.append(
                    _missing(row, f"no job type «{row['zh']}»{where} in the catalogue")
                )
        return placements

    def records(self):
        return self._job_types().order_by("occupation__code", "name_zh")

    def export_row(self, job_type) -> dict:
        return {"occupation_code": job_type.occupation.code or "", "zh": job_type.name_zh}

    def describe(self, job_type) -> str:
        return f"job type {job_type.name_zh} of {job_type.occupation.code or job_type.occupation.name_zh}"


KINDS: dict[str, TextKind] = {
    kind.name: kind
    for kind in (
        OccupationNames(),
        OccupationDefinitions(),
        GroupNames(),
        TaskTexts(),
        JobTypeNames(),
    )
}


# --- Reading ----------------------------------------------------------------------------------


def read_rows(path: Path, kind: TextKind) -> tuple[list[Row], list[ImportFileError]]:
    """The rows of a translation file, and every problem of its rows (each with its line).

    A file that cannot be read as CSV with the kind's columns raises ImportFileError.
    """
    path = Path(path)
    rows = read_csv(path, kind.columns)
    problems = []
    first_line: dict[tuple, int] = {}
    for row in rows:
        reason = kind.check_key(row)
        if not reason and not row["zh"]:
            reason = "the Chinese text (zh) is empty"
        if not reason and row["status"] not in ReviewStatus.values:
            reason = f"status must be {' or '.join(ReviewStatus.values)}, not {row['status']!r}"
        if not reason and row["status"] == ReviewStatus.REVIEWED and not row["en"]:
            reason = "a reviewed row needs its English (en)"
        if not reason:
            key = kind.key(row)
            if key in first_line:
                reason = f"the same record as line {first_line[key]}"
            else:
                first_line[key] = row.line
        if reason:
            problems.append(ImportFileError(path, row.line, reason))
    return rows, problems


def read_kind(path: Path, kind: TextKind) -> list[Row]:
    """The rows of a translation file; its first problem raises ImportFileError."""
    rows, problems = read_rows(path, kind)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ImportFileError(first.path, first.line, first.reason + more)
    return rows


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class TranslationReport(ImportReport):
    """An import's report: per kind of text what changed, the English it kept and why, and
    the rows it could not place (``unplaced``: file, line, failure, reason)."""

    kept: Counter = field(default_factory=Counter)
    unplaced: list[tuple[str, int, str, str]] = field(default_factory=list)
    list_limit: int | None = 20

    def lines(self) -> list[str]:
        out = []
        verb = "would be" if self.dry_run else "were"
        for kind in dict.fromkeys([*self.updated, *self.unchanged]):
            out.append(
                f"{kind}: {self.updated[kind]} records {verb} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
        for (kind, reason), count in sorted(self.kept.items()):
            out.append(f"{kind}: {reason} kept on {count} records")
        counts = Counter((file, failure) for file, _, failure, _ in self.unplaced)
        out.append(f"not placed: {len(self.unplaced)}")
        for file in dict.fromkeys(file for file, _ in counts):
            parts = [
                f"{counts[(file, failure)]} {PLACEMENT_FAILURES[failure]}"
                for failure in PLACEMENT_FAILURES
                if counts[(file, failure)]
            ]
            out.append(f"  {file}: {', '.join(parts)}")
        # Stale and ambiguous rows in full: each needs a look. Missing records may be many.
        listed = [u for u in self.unplaced if u[2] != "missing"]
        missing = [u for u in self.unplaced if u[2] == "missing"]
        limit = len(missing) if self.list_limit is None else self.list_limit
        listed += missing[:limit]
        out.extend(f"  {file}, line {line}: {reason}" for file, line, _, reason in listed)
        if len(missing) > limit:
            out.append(f"  … and {len(missing) - limit} more (--verbosity 2 lists all)")
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


PLACEMENT_FAILURES = {
    "stale": "stale (the record's Chinese has changed)",
    "ambiguous": "matching several records",
    "missing": "naming no record the catalogue holds",
    "untranslated": "without English",
}
KEPT_REASONS = {
    TextOrigin.SOURCE_ARTICLE: "a source article's English",
    TextOrigin.OFFICIAL: "an official source's English",
    TextOrigin.CURATOR: "a curator's English",
}


class Changes:
    """The field values to write, per record, gathered across files and written once each."""

    def __init__(self):
        self.values: dict[tuple, dict[str, str]] = defaultdict(dict)
        self.occupation_ids: set[int] = set()

    def set(self, record, values: dict[str, str]) -> None:
        self.values[(type(record), record.pk)].update(values)
        if isinstance(record, Occupation):
            self.occupation_ids.add(record.pk)
        elif isinstance(record, OccupationTask | JobType):
            self.occupation_ids.add(record.occupation_id)

    def write(self, *, reason: str, user=None) -> int:
        """Write every change, each record once, with a history record; returns how many."""
        per_model = defaultdict(dict)
        for (model, pk), values in self.values.items():
            per_model[model][pk] = values
        written = 0
        now = timezone.now()
        for model, changes in per_model.items():
            objects = model.objects.in_bulk(list(changes))
            fields = {name for values in changes.values() for name in values}
            stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
            for pk, values in changes.items():
                obj = objects[pk]
                for name, value in values.items():
                    setattr(obj, name, value)
                if stamped:
                    obj.updated_at = now
                if isinstance(obj, Occupation):
                    # An admin form opened before this change may not save over it.
                    obj.revision += 1
            fields |= {"updated_at"} if stamped else set()
            fields |= {"revision"} if model is Occupation else set()
            bulk_update_with_history(
                list(objects.values()),
                model,
                sorted(fields),
                batch_size=500,
                default_change_reason=reason,
                default_user=user,
            )
            written += len(objects)
        if written:
            bump()  # bulk writes send no signals
        if self.occupation_ids:
            refresh_search_documents(self.occupation_ids)
            rebuild_vocabulary()
        return written


def _apply_file(
    kind: TextKind,
    placement: Placement,
    report: TranslationReport,
    changes: Changes,
) -> None:
    """What the data import does with one placed row."""
    row = placement.row
    for record in placement.records:
        current = getattr(record, kind.en_field)
        origin = getattr(record, kind.origin_field)
        review = getattr(record, kind.review_field)
        kept = ""
        if current and origin in PROTECTED_ORIGINS:
            kept = KEPT_REASONS[origin]
        elif kind.en_field in getattr(record, "curated_fields", []):
            kept = "English a curator changed"
        elif current and review == ReviewStatus.REVIEWED and row["status"] != review:
            kept = "a reviewed translation"
        if kept:
            report.kept[(kind.label, kept)] += 1
            continue
        new = {
            kind.en_field: row["en"],
            kind.origin_field: TextOrigin.CATALOGUE_TRANSLATION,
            kind.review_field: row["status"],
        }
        if all(getattr(record, name) == value for name, value in new.items()):
            report.unchanged[kind.label] += 1
        else:
            changes.set(record, new)
            report.updated[kind.label] += 1


def translations_import(
    *, data_dir: Path = TRANSLATIONS_DIR, dry_run: bool = False, progress: Progress = _no_progress
) -> TranslationReport:
    """Import the catalogue's translations from data_dir, in one transaction.

    Every file is read and checked before anything is written. English from a source article,
    an official source or a curator, a field a curator changed, and a reviewed translation
    (against an unreviewed row) are kept. Rows whose Chinese no longer matches their record
    (stale) and rows with no record are reported, not written.
    """
    data_dir = Path(data_dir)
    files = {name: data_dir / kind.file for name, kind in KINDS.items()}
    present = {name: path for name, path in files.items() if path.is_file()}
    if not present:
        raise ImportFileError(data_dir, None, "holds none of the translation files")
    rows = {name: read_kind(path, KINDS[name]) for name, path in present.items()}

    report = TranslationReport(dry_run=dry_run)
    done = 0
    with transaction.atomic():
        changes = Changes()
        for name, kind_rows in rows.items():
            kind = KINDS[name]
            for placement in kind.place(kind_rows):
                done += 1
                line = placement.row.line
                if placement.failure:
                    report.unplaced.append((kind.file, line, placement.failure, placement.problem))
                elif not placement.row["en"]:
                    report.unplaced.append((kind.file, line, "untranslated", "no English (en)"))
                else:
                    _apply_file(kind, placement, report, changes)
                if done % 200 == 0:
                    progress(done)
        progress(done)
        changes.write(reason=f"import_translations {data_dir.name}")
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- The curators' round trip -------------------------------------------------------------


def needs_review(kind: TextKind, record) -> bool:
    """Untranslated, or translated and not yet reviewed (English a source gives is not)."""
    english = getattr(record, kind.en_field)
    if not english:
        return kind.needs_english(record)
    origin = getattr(record, kind.origin_field)
    return origin in TRANSLATED_ORIGINS | {""} and (
        getattr(record, kind.review_field) != ReviewStatus.REVIEWED
    )


def export_rows(kind: TextKind) -> Iterator[dict]:
    """The records of this kind that are untranslated or unreviewed, as rows of its file."""
    for record in kind.records():
        if needs_review(kind, record):
            yield {
                **kind.export_row(record),
                "en": getattr(record, kind.en_field),
                "status": getattr(record, kind.review_field) or ReviewStatus.UNREVIEWED,
                "note": "",
            }


def write_csv(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    """A translation file's lines: header, then one line a row."""

    class Line:
        def write(self, value):
            return value

    writer = csv.writer(Line(), lineterminator="\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([row[column] for column in columns])


@dataclass
class ReviewResult:
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)
    without_english: int = 0


class ReviewFileError(Exception):
    """A reviewed file that cannot be imported; nothing was written."""

    def __init__(self, errors: list[ImportFileError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


def review_import(*, kind: TextKind, name: str, content: bytes, user) -> ReviewResult:
    """Import a file of this kind that a curator reviewed, in one transaction.

    The whole file is checked first: a malformed row or one that names no record refuses the
    file, with the line of every problem. A row whose Chinese no longer matches its record is
    refused as stale and the rest are written. A changed English becomes the curator's; each
    record takes the row's review status; every change is in the record's history.
    """
    safe_name = Path(name).name or kind.file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name
        path.write_bytes(content)
        try:
            rows, problems = read_rows(path, kind)
        except ImportFileError as error:
            raise ReviewFileError([error]) from error
    placements = kind.place(rows)
    problems += [
        ImportFileError(Path(safe_name), p.row.line, p.problem)
        for p in placements
        if p.problem and not p.stale
    ]
    if problems:
        raise ReviewFileError(sorted(problems, key=lambda error: error.line or 0))

    result = ReviewResult()
    with transaction.atomic():
        changes = Changes()
        for placement in placements:
            row = placement.row
            if placement.stale:
                result.refused.append(f"{safe_name}, line {row.line}: {placement.problem}")
                continue
            if not row["en"]:
                result.without_english += 1
                continue
            for record in placement.records:
                new = {kind.review_field: row["status"]}
                if row["en"] != getattr(record, kind.en_field):
                    new[kind.en_field] = row["en"]
                    new[kind.origin_field] = TextOrigin.CURATOR
                elif not getattr(record, kind.origin_field):
                    new[kind.origin_field] = TextOrigin.CATALOGUE_TRANSLATION
                if all(getattr(record, name) == value for name, value in new.items()):
                    result.unchanged += 1
                else:
                    changes.set(record, new)
                    result.updated += 1
        changes.write(reason=f"translations reviewed: {safe_name}", user=user)
    return result


# --- The check --------------------------------------------------------------------------------

TERM_RE = re.compile(r"[\u3400-\u9fff]{2,}")
CJK_RUN = re.compile(r"[\u3400-\u9fff（）()、，]+")
EXCEPT_RE = re.compile(r"\bexcept", re.IGNORECASE)
NAME_KINDS = ["occupation_names", "group_names", "job_type_names"]


@dataclass(frozen=True)
class GlossaryTerm:
    zh: str
    english: tuple[str, ...]
    exceptions: frozenset[str]
    line: int


def _alternatives(english: str) -> tuple[str, ...]:
    """The English forms a glossary row accepts: separated by ';' or ' / ', remarks in
    brackets left out."""
    forms = []
    for part in re.split(r";|\s/\s", english):
        form = re.sub(r"\([^)]*\)", "", part).strip()
        if form and "…" not in form:
            forms.append(form)
    return tuple(forms)


def read_glossary(path: Path) -> tuple[list[GlossaryTerm], list[ImportFileError]]:
    """The checked terms of the glossary (plain Chinese terms of two or more characters; the
    rest is guidance for translators) and the glossary's own problems."""
    rows = read_csv(path, GLOSSARY_COLUMNS)
    terms, problems, seen = [], [], {}
    for row in rows:
        if not row["zh"] or not row["en"]:
            problems.append(ImportFileError(path, row.line, "a term needs its Chinese and English"))
            continue
        if row["zh"] in seen:
            problems.append(
                ImportFileError(path, row.line, f"«{row['zh']}» is also on line {seen[row['zh']]}")
            )
            continue
        seen[row["zh"]] = row.line
        if not TERM_RE.fullmatch(row["zh"]):
            continue
        english = _alternatives(row["en"])
        if not english:
            continue
        marker = EXCEPT_RE.search(row["note"])
        exceptions = frozenset(CJK_RUN.findall(row["note"][marker.end() :])) if marker else ()
        terms.append(GlossaryTerm(row["zh"], english, frozenset(exceptions), row.line))
    return terms, problems


def _uses(english: str, form: str) -> bool:
    def normal(text):
        return re.sub(r"[\s\-]+", " ", text.casefold())

    return bool(
        re.search(rf"(?<![a-z]){re.escape(normal(form))}(?:s|es)?(?![a-z])", normal(english))
    )


def glossary_problems(zh: str, en: str, terms: list[GlossaryTerm]) -> list[str]:
    """The glossary terms in a Chinese name whose English the name's English lacks. Longer
    terms first: 工程技术人员 is checked as itself, not also as 技术人员."""
    taken = [False] * len(zh)
    missing = []
    for term in sorted(terms, key=lambda t: len(t.zh), reverse=True):
        start = zh.find(term.zh)
        while start >= 0:
            span = range(start, start + len(term.zh))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                if zh not in term.exceptions and not any(_uses(en, f) for f in term.english):
                    missing.append(
                        f"glossary: «{term.zh}» is “{' / '.join(term.english)}” "
                        f"(glossary line {term.line}), not in “{en}”"
                    )
            start = zh.find(term.zh, start + 1)
    return missing


@dataclass
class CheckResult:
    problems: list[ImportFileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def translations_check(*, data_dir: Path = TRANSLATIONS_DIR) -> CheckResult:
    """Everything wrong with the translation files, each with its file and line:

    malformed files and rows; rows without English; names that do not use the glossary's
    English for its terms; two occupations with the same English name (ignoring case, with
    the English a source gives included); rows whose Chinese no longer matches their record
    (stale); and records of the catalogue left without English: every occupation and group
    needs a name, every occupation with a Chinese definition a definition, and every task of a
    digital or announced occupation its English. Rows for records the catalogue does not hold
    (yet) are noted, not counted as problems.
    """
    data_dir = Path(data_dir)
    result = CheckResult()
    terms = []
    glossary = data_dir / GLOSSARY_FILE
    if glossary.is_file():
        try:
            terms, problems = read_glossary(glossary)
        except ImportFileError as error:
            problems = [error]
        result.problems += problems
    else:
        result.problems.append(ImportFileError(glossary, None, "the glossary is missing"))

    covered: dict[str, set] = defaultdict(set)  # per kind, the records a row is for
    english_names: list[tuple[str, str, ImportFileError | None]] = []
    for name, kind in KINDS.items():
        path = data_dir / kind.file
        if not path.is_file():
            result.problems.append(ImportFileError(path, None, "the file is missing"))
            continue
        try:
            rows, problems = read_rows(path, kind)
        except ImportFileError as error:
            result.problems.append(error)
            continue
        result.problems += problems
        bad_lines = {problem.line for problem in problems}
        rows = [row for row in rows if row.line not in bad_lines]
        for row in rows:
            if not row["en"]:
                result.problems.append(ImportFileError(path, row.line, "untranslated: no English"))
            elif name in NAME_KINDS:
                for reason in glossary_problems(row["zh"], row["en"], terms):
                    result.problems.append(ImportFileError(path, row.line, reason))
        unplaced = 0
        for placement in kind.place(rows):
            row = placement.row
            if placement.failure in {"stale", "ambiguous"}:
                result.problems.append(ImportFileError(path, row.line, placement.problem))
            elif placement.failure:
                unplaced += 1
            # A record whose row is stale or has no English is left without English because of
            # that row: the row's problem says so, once.
            for record in placement.records:
                covered[name].add((type(record), record.pk))
            if name == "occupation_names" and row["en"]:
                sourced = [
                    r
                    for r in placement.records
                    if r.name_en and r.name_en_origin in PROTECTED_ORIGINS
                ]
                if not sourced:
                    where = ImportFileError(path, row.line, "")
                    english_names.append((row["en"], f"{row['code']} {row['zh']}", where))
        if unplaced:
            result.notes.append(
                f"{kind.file}: {unplaced} rows name records the catalogue does not hold; "
                "not checked against the catalogue"
            )

    for occupation in Occupation.objects.exclude(name_en="").filter(
        name_en_origin__in=PROTECTED_ORIGINS
    ):
        english_names.append(
            (occupation.name_en, KINDS["occupation_names"].describe(occupation), None)
        )
    result.problems += _duplicate_names(english_names)
    result.problems += _untranslated(data_dir, covered)
    return result


def _duplicate_names(names) -> list[ImportFileError]:
    by_name = defaultdict(list)
    for english, what, where in names:
        by_name[english.casefold()].append((english, what, where))
    problems = []
    for same in by_name.values():
        if len(same) < 2:
            continue
        for english, what, where in same:
            others = "; ".join(w for _, w, _ in same if w != what)
            if where is not None:
                problems.append(
                    ImportFileError(
                        where.path,
                        where.line,
                        f"duplicate English name “{english}”: also the name of {others}",
                    )
                )
    return problems


def _untranslated(data_dir: Path, covered: dict[str, set]) -> list[ImportFileError]:
    """The catalogue's records that no row is for and that have no English a source gives."""
    problems = []
    required = {
        "occupation_names": lambda record: True,
        "occupation_definitions": lambda record: bool(record.definition_zh),
        "group_names": lambda record: True,
        "task_texts": lambda record: (
            record.occupation.is_digital or record.occupation.announcement_id is not None
        ),
    }
    for name, needed in required.items():
        kind = KINDS[name]
        records = kind.records()
        if name == "task_texts":
            records = records.select_related(None).select_related("occupation").only(
                "occupation__code", "occupation__name_zh", "occupation__is_digital",
                "occupation__announcement", "position", "text_zh", "text_en",
                "text_en_origin", "text_en_review",
            )  # fmt: skip
        for record in records:
            if not needed(record):
                continue
            if getattr(record, kind.en_field) and getattr(record, kind.origin_field) in (
                PROTECTED_ORIGINS
            ):
                continue
            if (type(record), record.pk) in covered[name]:
                continue
            problems.append(
                ImportFileError(
                    data_dir / kind.file,
                    None,
                    f"untranslated: {kind.describe(record)} has no English {kind.singular}",
                )
            )
    return problems


def kind_for_file(name: str) -> TextKind | None:
    """The kind of text a file holds, from its name (occupation_names-to-review.csv, say)."""
    stem = Path(name).name
    for kind in sorted(KINDS.values(), key=lambda k: len(k.name), reverse=True):
        if stem.startswith(kind.name):
            return kind
    return None


def curator_edited_english(record, changed: Iterable[str], text_fields: Iterable[str]) -> None:
    """A curator who changes an English text in the admin writes it: it becomes the curator's,
    reviewed, unless the curator set its origin or review in the same edit."""
    changed = set(changed)
    for text_field in text_fields:
        provenance = {f"{text_field}_origin", f"{text_field}_review"}
        if text_field in changed and getattr(record, text_field) and not changed & provenance:
            setattr(record, f"{text_field}_origin", TextOrigin.CURATOR)
            setattr(record, f"{text_field}_review", ReviewStatus.REVIEWED)
