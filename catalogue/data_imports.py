"""Every import of the public reference data in data/, in the order they must run, and the
record of the files imported (ImportedFile), which lets `make run` skip unchanged data.

Adding an import is one entry in DATA_IMPORTS: its name, the files it reads (their checksums
decide whether it runs) and a function ``(*, data_dir, dry_run, progress) -> ImportReport``.
An entry runs when one of its files changed since it was last imported, and then every later
entry runs too, since it may build on what the earlier ones wrote.
"""

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .imports import (
    ANNOUNCEMENT_DOCUMENTS_FILE,
    ANNOUNCEMENTS_FILE,
    GROUPS_FILE,
    OCCUPATIONS_FILE,
    ImportReport,
    Progress,
    announcements_import,
    classification_import,
)
from .imports_standards import (
    REQUIREMENTS_FILE,
    STANDARDS_FILE,
    WEIGHTS_FILE,
    skill_standards_import,
)
from .models import ImportedFile
from .record_imports import (
    BATCH8_FILE,
    FINAL_ADDITIONS_FILE,
    FINAL_DEFINITIONS_FILE,
    JOB_AD_TITLES_FILE,
    JOB_TYPES_FILE,
    TASKS_FILE,
    announcement_documents_import,
    final_edition_import,
    job_ad_titles_import,
    job_types_import,
    tasks_import,
)
from .synonyms import SYNONYMS_FILE, search_synonyms_import
from .translations import KINDS as TRANSLATION_KINDS
from .translations import translations_import

TRANSLATIONS_FOLDER = "translations"
OWN_DATA_DIR = Path(settings.BASE_DIR) / "data"

Runner = Callable[..., ImportReport]


@dataclass(frozen=True)
class DataImport:
    name: str
    files: tuple[str, ...]
    run: Runner  # (*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport
    description: str = ""
    # The catalogue's own files (its search synonyms and translations) are read from the
    # project's data/ whatever folder the public reference data comes from.
    own: bool = False


def _classification(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
    return classification_import(
        occupations_path=data_dir / OCCUPATIONS_FILE,
        groups_path=data_dir / GROUPS_FILE,
        announcements_path=data_dir / ANNOUNCEMENT_DOCUMENTS_FILE,
        dry_run=dry_run,
        progress=progress,
    )


def _final_edition(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
    return final_edition_import(
        definitions_path=data_dir / FINAL_DEFINITIONS_FILE,
        additions_path=data_dir / FINAL_ADDITIONS_FILE,
        dry_run=dry_run,
        progress=progress,
    )


def _announcements(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
    return announcements_import(
        path=data_dir / ANNOUNCEMENTS_FILE, dry_run=dry_run, progress=progress
    )


def _announcement_documents(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
    return announcement_documents_import(
        path=data_dir / ANNOUNCEMENT_DOCUMENTS_FILE,
        batches_path=data_dir / ANNOUNCEMENTS_FILE,
        proposed_path=data_dir / BATCH8_FILE,
        dry_run=dry_run,
        progress=progress,
    )


def _translations(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
    return translations_import(
        data_dir=data_dir / TRANSLATIONS_FOLDER, dry_run=dry_run, progress=progress
    )


def _one_file(importer: Runner, name: str) -> Runner:
    def run(*, data_dir: Path, dry_run: bool, progress: Progress) -> ImportReport:
        return importer(path=data_dir / name, dry_run=dry_run, progress=progress)

    return run


DATA_IMPORTS: list[DataImport] = [
    DataImport(
        "classification",
        (OCCUPATIONS_FILE, GROUPS_FILE, ANNOUNCEMENT_DOCUMENTS_FILE),
        _classification,
        "the 2022 classification's groups and occupations",
    ),
    DataImport(
        "final-edition",
        (FINAL_DEFINITIONS_FILE, FINAL_ADDITIONS_FILE),
        _final_edition,
        "the final 2022 edition's definitions and the occupations the draft lacks",
    ),
    DataImport(
        "announcements",
        (ANNOUNCEMENTS_FILE,),
        _announcements,
        "the new-occupation batches and their occupations",
    ),
    DataImport(
        "announcement-documents",
        (ANNOUNCEMENT_DOCUMENTS_FILE, ANNOUNCEMENTS_FILE, BATCH8_FILE),
        _announcement_documents,
        "each batch's document, status and dates; the proposed occupations of batch 8",
    ),
    # Before the tasks and job-ad titles: a standard's printed code confirms a join by name.
    DataImport(
        "skill-standards",
        (STANDARDS_FILE, WEIGHTS_FILE, REQUIREMENTS_FILE),
        skill_standards_import,
        "national skill standards, their weight tables and extracted work requirements",
    ),
    DataImport("tasks", (TASKS_FILE,), _one_file(tasks_import, TASKS_FILE), "main tasks"),
    DataImport(
        "job-ad-titles",
        (JOB_AD_TITLES_FILE,),
        _one_file(job_ad_titles_import, JOB_AD_TITLES_FILE),
        "titles used in job ads",
    ),
    DataImport(
        "job-types",
        (JOB_TYPES_FILE,),
        _one_file(job_types_import, JOB_TYPES_FILE),
        "job types (工种) with their sources",
    ),
    DataImport(
        "search-synonyms",
        (SYNONYMS_FILE,),
        _one_file(search_synonyms_import, SYNONYMS_FILE),
        "the words people search with that names and titles miss, each with its reason",
        own=True,
    ),
    DataImport(
        "translations",
        tuple(f"{TRANSLATIONS_FOLDER}/{kind.file}" for kind in TRANSLATION_KINDS.values()),
        _translations,
        "the catalogue's English translations of names, definitions, tasks and job types",
        own=True,
    ),
]

# Without these the catalogue has no classification to attach anything to.
REQUIRED_FILES = (OCCUPATIONS_FILE, GROUPS_FILE)


class DataDirError(Exception):
    """The data folder is missing or does not hold what the imports read."""


def data_dir(path=None) -> Path:
    """The data folder (CATALOGUE_DATA_DIR, else the project's data/), checked."""
    folder = Path(path or settings.CATALOGUE_DATA_DIR)
    expected = ", ".join(REQUIRED_FILES)
    if not folder.is_dir():
        raise DataDirError(
            f"{folder} is not a folder. The catalogue's data folder (CATALOGUE_DATA_DIR, or data/ "
            f"in the project when that is unset) must hold the public reference data: {expected} "
            "and the other files listed in data/README.md."
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise DataDirError(
            f"{folder} does not hold {', '.join(missing)}. The catalogue's data folder "
            "(CATALOGUE_DATA_DIR, or data/ in the project when that is unset) must hold the "
            f"public reference data: {expected} and the other files listed in data/README.md."
        )
    return folder


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (records, not lines: a field may hold a newline)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return max(0, sum(1 for record in csv.reader(io.StringIO(text, newline="")) if record) - 1)


@dataclass
class Outcome:
    """What walking the registry did with one entry."""

    entry: DataImport
    status: str  # "imported", "unchanged" or "missing"
    report: ImportReport | None = None
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_all(
    *,
    folder: Path,
    dry_run: bool = False,
    force: bool = False,
    only: set[str] | None = None,
    progress_for: Callable[[DataImport], Progress] | None = None,
    announce: Callable[[DataImport], None] | None = None,
) -> list[Outcome]:
    """Run the registry's imports whose files changed since they were last imported, and all
    after the first that runs; record each imported file's checksum and row count.

    ``only`` runs just the named entries (and does not cascade); a dry run changes nothing,
    and each import in it sees what the ones before it would have written.
    """
    recorded = {f.name: f for f in ImportedFile.objects.all()}
    checksums: dict[str, str] = {}
    outcomes = []
    cascade = False
    with transaction.atomic():
        for entry in DATA_IMPORTS:
            if only is not None and entry.name not in only:
                continue
            base = OWN_DATA_DIR if entry.own else folder
            paths = [base / name for name in entry.files]
            missing = [p.name for p in paths if not p.is_file()]
            if missing:
                outcomes.append(Outcome(entry, "missing", missing=missing))
                continue
            for path in paths:
                if path.name not in checksums:
                    checksums[path.name] = sha256(path)
            unchanged = all(
                path.name in recorded and recorded[path.name].sha256 == checksums[path.name]
                for path in paths
            )
            if unchanged and not (force or cascade or only is not None):
                outcomes.append(Outcome(entry, "unchanged"))
                continue
            cascade = only is None
            if announce:
                announce(entry)
            progress = progress_for(entry) if progress_for else (lambda done: None)
            # In a dry run each import writes, so that the next sees it; all of it is undone
            # below.
            report = entry.run(data_dir=base, dry_run=False, progress=progress)
            report.dry_run = dry_run
            outcome = Outcome(entry, "imported", report=report)
            now = timezone.now()
            for path in paths:
                rows = count_rows(path)
                previous = recorded.get(path.name)
                already = outcome.report and any(path.name in w for w in outcome.report.warnings)
                if previous is not None and rows < previous.rows and not already:
                    outcome.warnings.append(
                        f"{path.name} has {rows} rows, fewer than the {previous.rows} imported "
                        f"on {previous.imported_at:%Y-%m-%d}: is the file complete?"
                    )
                recorded[path.name], _ = ImportedFile.objects.update_or_create(
                    name=path.name,
                    defaults={"sha256": checksums[path.name], "rows": rows, "imported_at": now},
                )
            outcomes.append(outcome)
        if dry_run:
            transaction.set_rollback(True)
    return outcomes
