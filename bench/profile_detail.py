"""Where an uncached detail request spends its time, with pyinstrument, on the synthetic catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/profile_detail.py [--requests 300]

Runs in this process under the production settings with the page cache off, through the whole
middleware stack (Django's test client), over the same spread of records as bench/compare.py's
detail scenario, after a warm-up. Prints the queries per request, the share of time of each part
(database, ORM, templates, the catalogue's own code, the rest), and pyinstrument's call tree.
A part is the innermost of these a sample is in: a query run from a template counts as database.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import production_env, synthetic_catalogue

REST = "the rest (middleware, WSGI, Python)"
# (part, a path fragment of its files), innermost first wins; checked from the leaf up.
PARTS = [
    ("database (psycopg)", "/psycopg/"),
    ("ORM (django.db)", "/django/db/"),
    ("templates (Django's, Jinja2)", "/django/template/"),
    ("templates (Django's, Jinja2)", "/jinja2/"),
    # The catalogue's middleware wraps the whole request: what runs under it but in none of
    # the parts above (URL resolving, the view's dispatch) is the rest, not catalogue code.
    (REST, "/catalogue/middleware.py"),
    (REST, "/catalogue/routers.py"),
    ("catalogue code", "/catalogue/"),
]


def part_of(frame) -> str:
    while frame is not None:
        for name, fragment in PARTS:
            if fragment in (frame.file_path or ""):
                return name
        frame = frame.parent
    return REST


def parts(root) -> Counter:
    """Self time of every frame of the tree, summed by part."""
    totals = Counter()
    stack = [root]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        totals[part_of(frame)] += frame.total_self_time
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--all-frames", action="store_true", help="print library frames too")
    args = parser.parse_args()

    # The production settings in this process, as gunicorn runs them, without the page cache.
    os.environ.update(production_env(os.environ.get("DATABASE_URL", "")))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    os.environ["CATALOGUE_PAGE_CACHE"] = "false"
    synthetic_catalogue(args.count)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from catalogue.models import Occupation

    step = max(1, args.count // args.records)
    slugs = list(Occupation.objects.order_by("pk").values_list("slug", flat=True)[::step])
    client = Client(HTTP_HOST="127.0.0.1")

    def get(slug):
        response = client.get(f"/occupations/{slug}/")
        assert response.status_code == 200, (slug, response.status_code)

    for slug in slugs[:30]:  # warm-up: templates compiled, connections open
        get(slug)
    queries = []
    for slug in slugs[30:60]:
        with CaptureQueriesContext(connection) as captured:
            get(slug)
        queries.append(len(captured))
    chosen = slugs[60 : 60 + args.requests]
    # Unprofiled first: this process's CPU time (the database's is not in it) and the wall time.
    started, cpu = time.perf_counter(), time.process_time()
    for slug in chosen:
        get(slug)
    wall_ms = (time.perf_counter() - started) / len(chosen) * 1000
    cpu_ms = (time.process_time() - cpu) / len(chosen) * 1000
    print(
        f"\n{len(chosen)} uncached detail requests without the profiler: {wall_ms:.1f} ms each, "
        f"{cpu_ms:.1f} ms of it this process's CPU"
    )
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for slug in chosen:
        get(slug)
    profiler.stop()

    session = profiler.last_session
    per_request = session.duration / len(chosen) * 1000
    print(
        f"With the profiler on: {per_request:.1f} ms each on average "
        f"(in-process, one thread); queries per request: "
        f"{min(queries)} to {max(queries)}\n"
    )
    totals = parts(session.root_frame())  # the raw tree: no frame's time folded into another
    whole = sum(totals.values())
    print("| part | share of time |\n|---|---:|")
    for name, seconds in totals.most_common():
        print(f"| {name} | {seconds / whole:.0%} |")
    print(profiler.output_text(unicode=True, color=False, show_all=args.all_frames))


if __name__ == "__main__":
    main()
