"""Search under load on a synthetic 100,000-occupation catalogue, and the naive way beside it.

    .venv/bin/python bench/search.py [--count 100000] [--requests 200] [--concurrency 4]

Uses a database of its own, `catalogue_bench`, on DATABASE_URL's server or on the embedded
PostgreSQL, and fills it once with `generate_synthetic_catalogue` (kept for later runs). Serves it
with gunicorn (3 workers of one thread, for a 2-core machine) on a loopback port, sends a bounded
number of requests per scenario from threads in this process, and prints p50/p95/p99 latency
and requests per second. The page cache is off: every request searches (bench/compare.py
measures the catalogue as deployed, cache on, too). Then, in this process, times the same
searches as the app runs them and the naive way (icontains across the same fields, no index),
and prints the ratio for information: no goal rides on it (search is held to its p95 beside
Datasette's, in bench/compare.py).
"""

import argparse
import statistics
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, synthetic_catalogue

SCENARIOS = {
    "English": ["AI trainer", "supply chain manager", "data analyst", "robot maintenance"],
    "Chinese": ["训练师", "供应链", "数据分析师", "智能"],
    "pinyin": ["rengong zhineng xunlianshi", "gongyinglian", "rgznxls", "shuju fenxishi"],
    "code": ["4-04-05-05", "3-12", "2-05-01"],
    "typo": ["suply chain", "artifical inteligence", "robott"],
}
FACETED = [
    {"q": "数据", "major": "4", "digital": "yes"},
    {"q": "manager", "green": "yes"},
    {"major": "2", "middle": "2-05"},
]
AUTOCOMPLETE = ["训练", "supp", "rgzn", "数据"]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(port, paths, requests, concurrency):
    """Send `requests` GETs cycling through paths from `concurrency` threads; latencies in ms."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(requests))

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            path = paths[n % len(paths)]
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append((path, response.status))
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return latencies, errors, wall


def list_path(params):
    return "/occupations/?" + urllib.parse.urlencode(params)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--naive-repeat", type=int, default=3)
    args = parser.parse_args()

    env = synthetic_catalogue(args.count)

    with gunicorn({**env, "CATALOGUE_PAGE_CACHE": "false"}) as served:
        port = served.port
        scenarios = {
            name: [list_path({"q": q}) for q in queries] for name, queries in SCENARIOS.items()
        }
        scenarios["faceted"] = [list_path(p) for p in FACETED]
        scenarios["autocomplete"] = [
            "/occupations/autocomplete/?" + urllib.parse.urlencode({"q": q}) for q in AUTOCOMPLETE
        ]
        print(
            f"\n{args.count} occupations; {args.requests} requests per scenario, "
            f"{args.concurrency} concurrent; gunicorn 3 workers of one thread, no page cache\n"
        )
        print("| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, paths in scenarios.items():
            load(port, paths, len(paths) * 2, 2)  # warm up
            latencies, errors, wall = load(port, paths, args.requests, args.concurrency)
            print(
                f"| {name} | {len(latencies) / wall:.0f} | {percentile(latencies, 50):.0f} | "
                f"{percentile(latencies, 95):.0f} | {percentile(latencies, 99):.0f} | {len(errors)} |"
            )

    naive_comparison(args.naive_repeat)


def naive_search(query):
    """What a catalogue without a search index would do: icontains across the same fields."""
    from django.db.models import Q

    from catalogue.models import Occupation

    fields = [
        "name_zh",
        "name_en",
        "definition_zh",
        "definition_en",
        "alternate_titles__title",
        "job_types__name_zh",
        "job_types__name_en",
        "tasks__text_zh",
        "tasks__text_en",
        "quotes__text",
    ]
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
    return Occupation.objects.filter(condition).distinct().order_by("code")


def timed_page(queryset, rows=lambda queryset: list(queryset[:25])):
    started = time.perf_counter()
    queryset.count()
    rows(queryset)
    return (time.perf_counter() - started) * 1000


def first_page(queryset):
    """The first page as the list page and the API take it: keys first, then 25 rows."""
    from catalogue.querysets import RowsByKey

    return RowsByKey(queryset)[:25]


def naive_comparison(repeat):
    from catalogue.models import Occupation

    print(f"\nSame searches in-process, count + first page of 25 (median of {repeat} runs, ms):\n")
    print("| query | indexed search | naive icontains | naive ÷ indexed |")
    print("|---|---:|---:|---:|")
    ratios = []
    for queries in SCENARIOS.values():
        for query in queries[:2]:
            searched = Occupation.objects.published().for_list().search(query).by_relevance()
            indexed = statistics.median(timed_page(searched, first_page) for _ in range(repeat))
            naive = statistics.median(timed_page(naive_search(query)) for _ in range(repeat))
            ratios.append(naive / indexed)
            print(f"| {query} | {indexed:.1f} | {naive:.1f} | {naive / indexed:.0f}× |")
    print(f"\ngeometric mean ratio: {statistics.geometric_mean(ratios):.0f}×")


if __name__ == "__main__":
    main()
