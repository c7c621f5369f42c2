"""The curated list of words people search with (data/search_synonyms.csv), imported like the
reference data: the whole file checked first, then written in one transaction."""

from collections import Counter
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .imports import ImportFileError, ImportReport, Progress, _check, _no_progress, read_csv
from .models import Occupation, SearchSynonym
from .search.documents import refresh_search_documents
from .search.vocabulary import add_terms

SYNONYMS_FILE = "search_synonyms.csv"
SYNONYM_COLUMNS = ["term", "language", "occupation_code", "occupation_name_zh", "reason"]
LANGUAGES = {"en", "zh-Hans"}


def search_synonyms_import(
    *, path: Path, dry_run: bool = False, progress: Progress = _no_progress
) -> ImportReport:
    """Add or update the listed synonyms, keyed by occupation code and term; rows naming an
    occupation the catalogue does not hold (by code and name) are reported, not placed.
    Synonyms a curator added in the admin and the file does not list are left alone."""
    path = Path(path)
    rows = read_csv(path, SYNONYM_COLUMNS)
    codes = {row["occupation_code"] for row in rows}
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    seen: Counter = Counter()
    for row in rows:
        term, code = row["term"], row["occupation_code"]
        _check(bool(term), path, row, "the term is empty")
        _check(
            row["language"] in LANGUAGES,
            path,
            row,
            f"language must be one of {', '.join(sorted(LANGUAGES))}, not {row['language']!r}",
        )
        _check(bool(row["reason"]), path, row, f"{term!r} has no reason")
        key = (code, term.upper())
        seen[key] += 1
        _check(seen[key] == 1, path, row, f"{term!r} is listed twice for {code}")

    report = ImportReport(dry_run=dry_run)
    reason = f"import_search_synonyms {path.name}"
    with transaction.atomic():
        existing = {
            (s.occupation_id, s.term.upper()): s
            for s in SearchSynonym.objects.filter(occupation__code__in=codes)
        }
        create, update = [], []
        for done, row in enumerate(rows, start=1):
            progress(done)
            occupation = occupations.get(row["occupation_code"])
            if occupation is None or occupation.name_zh != row["occupation_name_zh"]:
                # The file names an occupation this catalogue does not hold (another copy of
                # the data): reported, not guessed.
                held = f"is {occupation.name_zh}" if occupation else "is not"
                report.skipped.append(
                    f"line {row.line}: {row['term']!r} not placed: {row['occupation_code']} "
                    f"{row['occupation_name_zh']} {held} in the catalogue"
                )
                continue
            values = {"term": row["term"], "language": row["language"], "reason": row["reason"]}
            synonym = existing.get((occupation.pk, row["term"].upper()))
            if synonym is None:
                create.append(SearchSynonym(occupation=occupation, **values))
            elif any(getattr(synonym, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(synonym, k, v)
                update.append(synonym)
            else:
                report.unchanged["search synonyms"] += 1
        report.created["search synonyms"] += len(create)
        report.updated["search synonyms"] += len(update)
        if create:
            bulk_create_with_history(create, SearchSynonym, default_change_reason=reason)
        if update:
            bulk_update_with_history(
                update,
                SearchSynonym,
                ["term", "language", "reason"],
                default_change_reason=reason,
            )
        changed = {s.occupation_id for s in [*create, *update]}
        if changed:
            # Bulk writes send no signals: the documents (and the version) are refreshed here.
            refresh_search_documents(changed)
            add_terms(changed)
        if dry_run:
            transaction.set_rollback(True)
    return report


__all__ = ["SYNONYMS_FILE", "ImportFileError", "search_synonyms_import"]
