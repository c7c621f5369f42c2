"""Mean reciprocal rank of the relevance set in tests/search_corpus.py.

    .venv/bin/python bench/search_relevance.py

Builds the seed catalogue plus its competing occupations in a throw-away test database and
prints each query's rank of the expected occupation and the mean reciprocal rank.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from catalogue.models import Occupation  # noqa: E402
from tests.helpers import index_for_search  # noqa: E402
from tests.search_corpus import RELEVANCE_SET, build_competitors  # noqa: E402


def main():
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "seed", verbosity=0)
        build_competitors()
        index_for_search()
        reciprocal = []
        print(f"{'query':<34} {'expected':<40} rank")
        for query, slug, _top in RELEVANCE_SET:
            slugs = list(
                Occupation.objects.search(query).by_relevance().values_list("slug", flat=True)[:20]
            )
            rank = slugs.index(slug) + 1 if slug in slugs else None
            reciprocal.append(1 / rank if rank else 0.0)
            print(f"{query:<34} {slug:<40} {rank or '-'}")
        mrr = sum(reciprocal) / len(reciprocal)
        print(
            f"\n{len(RELEVANCE_SET)} queries, mean reciprocal rank {mrr:.3f}, "
            f"top-1 {sum(r == 1 for r in reciprocal)}/{len(reciprocal)}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
