"""Hit rate and mean reciprocal rank of the relevance set (tests/relevance_set.py), per group,
on the real catalogue: the seed and everything in data/ imported into a throw-away database.

    .venv/bin/python bench/search_relevance.py [--verbose]

A query counts as a hit when one of the occupations that answer it is within its required rank;
its reciprocal rank is 1/rank of the first of them in the top 20 (0 when none is there).
"""

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tests.relevance_set import RELEVANCE_SET, rank_of  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every query's rank")
    args = parser.parse_args()

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "seed", verbosity=0)
        call_command("import_data", verbosity=0)
        hits, reciprocal = defaultdict(list), defaultdict(list)
        for group, query, codes, required in RELEVANCE_SET:
            rank = rank_of(query, codes)
            hits[group].append(rank is not None and rank <= required)
            reciprocal[group].append(1 / rank if rank else 0.0)
            if args.verbose or not (rank and rank <= required):
                print(f"  {group:<20} {query:<32} rank {rank or '-'} (needs ≤ {required})")
        print(f"\n{'group':<20} {'queries':>7} {'hit rate':>9} {'MRR':>6}")
        for group in hits:
            n = len(hits[group])
            print(
                f"{group:<20} {n:>7} {sum(hits[group]) / n:>9.0%} "
                f"{sum(reciprocal[group]) / n:>6.3f}"
            )
        every = [h for group in hits.values() for h in group]
        rr = [r for group in reciprocal.values() for r in group]
        print(
            f"{'all':<20} {len(every):>7} {sum(every) / len(every):>9.0%} {sum(rr) / len(rr):>6.3f}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
