"""Times the classification and announcement imports on a fresh, throw-away database.

    .venv/bin/python bench/import_classification.py

(the data in data/, or CATALOGUE_DATA_DIR's.)

Uses DATABASE_URL's server (or the embedded PostgreSQL) and a test_… database it creates and
drops. Prints seconds for a first import into an empty catalogue, a second (unchanged) run and a
dry run, best of --repeat runs.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from catalogue.imports import (  # noqa: E402
    ANNOUNCEMENTS_FILE,
    GROUPS_FILE,
    OCCUPATIONS_FILE,
    announcements_import,
    classification_import,
)
from catalogue.models import (  # noqa: E402
    Announcement,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
)


def timed(function, **kwargs) -> float:
    started = time.perf_counter()
    function(**kwargs)
    return time.perf_counter() - started


def empty_catalogue():
    Occupation.objects.all().delete()
    Announcement.objects.all().delete()
    for model in (MinorGroup, MiddleGroup, MajorGroup):
        model.objects.all().delete()
    for model in (Occupation, MinorGroup, MiddleGroup, MajorGroup, Announcement):
        model.history.model.objects.all().delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = Path(settings.CATALOGUE_DATA_DIR)
    classification = {
        "occupations_path": data / OCCUPATIONS_FILE,
        "groups_path": data / GROUPS_FILE,
    }
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = {
            "first import (empty catalogue)": [],
            "second run (unchanged)": [],
            "dry run": [],
            "announcements, first import": [],
        }
        for _ in range(args.repeat):
            empty_catalogue()
            results["first import (empty catalogue)"].append(
                timed(classification_import, **classification)
            )
            results["announcements, first import"].append(
                timed(announcements_import, path=data / ANNOUNCEMENTS_FILE)
            )
            results["second run (unchanged)"].append(timed(classification_import, **classification))
            results["dry run"].append(timed(classification_import, dry_run=True, **classification))
        count = Occupation.objects.exclude(code=None).count()
        print(f"classification import: {count} occupations, best of {args.repeat}")
        for label, seconds in results.items():
            print(
                f"  {label:<32} {min(seconds):6.2f} s   (runs: {', '.join(f'{s:.2f}' for s in seconds)})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
