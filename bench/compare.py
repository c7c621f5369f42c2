"""The catalogue beside Datasette on the same 100,000 occupations, under the same load.

    .venv/bin/python bench/compare.py [--seconds 15] [--connections 8] [--uncached-only]
        [--scenarios NAME,NAME]

Needs wrk (apt-get install wrk) and the bench dependency group (datasette, sqlite-utils:
`make bench` installs it). Uses the synthetic catalogue in `catalogue_bench` (or the database
BENCH_DATABASE names; made once by bench/search.py or here), exports it to SQLite with a
full-text index (FTS5, trigram tokenizer, so that Chinese matches inside words as it does here)
into bench/results/, and serves:

- the catalogue with gunicorn, production settings, 3 workers of one thread (a 2-core machine),
  each taking one connection at a time and closing it after its answer, as README's production
  command does;
- Datasette, one process, as `datasette serve` runs it.

wrk loads each in turn from its own process on loopback, for each scenario, and the script
prints requests/s and p50/p95/p99 side by side with the ratio, then each server's peak memory,
then the CPU time a request costs on each side (read from /proc around each wrk run: the
server's processes, this machine's PostgreSQL, wrk) with the most it may cost for twice
Datasette's rate, then how many rows each found for every search query, asked of the running
servers: a scenario where Datasette finds nothing compares a search with an empty answer.
Rate limits are off for the run. The catalogue runs twice: with the page cache off (every
request rendered and queried), then as deployed, cache on: each search scenario cycles through a
handful of queries, as real traffic repeats popular ones. The detail scenario cycles through
2,000 distinct records on both sides, the same rows, so that it measures the long tail of
records rather than a cache. `--uncached-only` skips the second run;
`--scenarios 'pinyin,faceted list'` runs a subset.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCH_DATABASE,
    ROOT,
    free_port,
    gunicorn,
    peak_rss_mb,
    synthetic_catalogue,
    wait_until_answering,
    wrk,
)
from bench.search import AUTOCOMPLETE, FACETED, SCENARIOS, list_path

RESULTS = ROOT / "bench" / "results"
# Datasette names a database after its file: catalogue.db, in a folder for each bench database.
SQLITE = RESULTS / BENCH_DATABASE / "catalogue.db"
# How many records the detail scenario cycles through, evenly spread, the same on both sides.
DETAIL_RECORDS = 2_000
COLUMNS = [
    "id",
    "slug",
    "code",
    "name_zh",
    "name_en",
    "name_pinyin",
    "definition_zh",
    "definition_en",
    "is_digital",
    "is_green",
]
SEARCHED = ["name_zh", "name_en", "name_pinyin", "definition_zh", "definition_en"]


def export_to_sqlite(url: str, count: int) -> None:
    """The occupations, with their major group, as one SQLite table with an FTS5 index."""
    import psycopg
    import sqlite_utils

    if SQLITE.exists() and sqlite_utils.Database(SQLITE)["occupations"].count == count:
        return
    SQLITE.parent.mkdir(parents=True, exist_ok=True)
    SQLITE.unlink(missing_ok=True)
    db = sqlite_utils.Database(SQLITE)
    with psycopg.connect(url) as conn, conn.cursor(name="export") as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM catalogue_occupation ORDER BY id")
        rows = (
            dict(zip(COLUMNS, row, strict=True)) | {"major": (row[2] or "")[:1]} for row in cursor
        )
        db["occupations"].insert_all(rows, pk="id", batch_size=5000)
    db["occupations"].create_index(["major"])
    db["occupations"].create_index(["is_digital"])
    db["occupations"].enable_fts(SEARCHED, tokenize="trigram")
    db.vacuum()


def datasette_paths(ids: list[int]) -> dict[str, list[str]]:
    def search(query):
        from urllib.parse import urlencode

        return "/catalogue/occupations?" + urlencode(
            {"_search": query, "_facet": ["major", "is_digital"], "_size": 25}, doseq=True
        )

    paths = {name: [search(q) for q in queries] for name, queries in SCENARIOS.items()}
    paths["faceted list"] = [
        "/catalogue/occupations?major=4&is_digital=1&_facet=major&_facet=is_green&_size=25",
        "/catalogue/occupations?is_green=1&_facet=major&_facet=is_digital&_size=25",
    ]
    paths["detail"] = [f"/catalogue/occupations/{n}" for n in ids]
    paths["API list"] = [
        p.replace("/catalogue/occupations?", "/catalogue/occupations.json?")
        for p in paths["English"]
    ]
    return paths


def app_paths(slugs: list[str]) -> dict[str, list[str]]:
    from urllib.parse import urlencode

    paths = {name: [list_path({"q": q}) for q in queries] for name, queries in SCENARIOS.items()}
    paths["home"] = ["/"]
    paths["faceted list"] = [list_path(p) for p in FACETED]
    paths["detail"] = [f"/occupations/{slug}/" for slug in slugs]
    paths["autocomplete"] = [
        "/occupations/autocomplete/?" + urlencode({"q": q}) for q in AUTOCOMPLETE
    ]
    paths["API list"] = [
        "/api/v1/occupations/?" + urlencode({"q": q}) for q in SCENARIOS["English"]
    ]
    # The cheapest answer through the same middleware, for scale: no query, no template.
    paths["floor (robots.txt)"] = ["/robots.txt"]
    return paths


def serve_datasette():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(SQLITE),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "10000",
            "--setting",
            "facet_time_limit_ms",
            "10000",
            "--setting",
            "num_sql_threads",
            "3",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_answering(port)
    return process, port


def _found(port: int, path: str, key: str) -> int:
    """How many rows a server's JSON answer at ``path`` says matched (``key``)."""
    import json
    from urllib.request import urlopen

    with urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
        return json.load(answer)[key]


def found_rows(port: int, queries: dict[str, list[str]], datasette: bool) -> dict[str, int]:
    """Rows each search query finds, by query: from the catalogue's API, or Datasette's JSON
    with the same full-text search its pages run."""
    from urllib.parse import urlencode

    if datasette:
        path, key, name = (
            "/catalogue/occupations.json?{}&_size=1",
            "filtered_table_rows_count",
            "_search",
        )
    else:
        path, key, name = "/api/v1/occupations/?{}&page_size=1", "count", "q"
    return {
        q: _found(port, path.format(urlencode({name: q})), key)
        for qs in queries.values()
        for q in qs
    }


def _cell(m: dict) -> str:
    errors = f" [{m['errors']} errors]" if m["errors"] else ""
    return f"{m['rps']:.0f} req/s, {m['p50']:.0f} / {m['p95']:.0f} / {m['p99']:.0f}{errors}"


def print_cpu(results: dict[str, dict[str, dict]], run: str) -> None:
    """What a request costs the machine, uncached, beside what 2× Datasette's rate allows.

    On a machine the load keeps busy, a server's throughput is the machine's cores over what a
    request costs all of them (the server, PostgreSQL, wrk). So twice Datasette's rate is
    possible only for a request that costs at most the cores over twice that rate."""
    cores = os.cpu_count() or 1
    print(
        f"\nCPU per request in ms ({cores} cores): the catalogue's server (gunicorn), PostgreSQL "
        "and wrk; Datasette (SQLite runs inside it) and wrk; and the most a catalogue request "
        "may cost the machine, all three together, for twice Datasette's rate\n"
    )
    print(
        "| scenario | catalogue: server + PostgreSQL + wrk = all | cores busy | Datasette + wrk "
        "| cores busy | at most, for 2× |\n|---|---|---:|---|---:|---:|"
    )
    for name, measured in results.items():
        ours, theirs = measured.get(run, {}), measured.get("datasette", {})
        if "cpu_server" not in ours:
            continue
        every = ours["cpu_server"] + ours["cpu_database"] + ours["cpu_client"]
        cells = [
            f"{ours['cpu_server']:.1f} + {ours['cpu_database']:.1f} + {ours['cpu_client']:.1f}"
            f" = {every:.1f}",
            f"{ours['cores_busy']:.2f}",
        ]
        if "cpu_server" in theirs:
            cells += [
                f"{theirs['cpu_server']:.1f} + {theirs['cpu_client']:.1f}",
                f"{theirs['cores_busy']:.2f}",
                f"{cores * 1000 / (2 * theirs['rps']):.1f}",
            ]
        else:
            cells += ["–", "–", "–"]
        print(f"| {name} | {' | '.join(cells)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="per scenario and server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--scenarios",
        type=lambda value: [name.strip() for name in value.split(",")],
        help="a comma-separated subset, e.g. 'pinyin,code,faceted list' (default: all)",
    )
    parser.add_argument(
        "--uncached-only",
        action="store_true",
        help="measure the catalogue with the page cache off only, not as deployed too",
    )
    args = parser.parse_args()

    env = synthetic_catalogue(args.count)
    from catalogue.models import Occupation

    step = max(1, args.count // DETAIL_RECORDS)
    records = list(Occupation.objects.order_by("pk").values_list("pk", "slug")[::step])
    export_to_sqlite(env["DATABASE_URL"], args.count)

    ours = app_paths([slug for _, slug in records])
    theirs = datasette_paths([pk for pk, _ in records])
    if args.scenarios:
        unknown = set(args.scenarios) - set(ours)
        if unknown:
            parser.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(ours)}")
        ours = {name: ours[name] for name in args.scenarios}
        theirs = {name: paths for name, paths in theirs.items() if name in ours}
    results: dict[str, dict[str, dict]] = {name: {} for name in ours}
    searched = {name: queries for name, queries in SCENARIOS.items() if name in ours}
    # Without the page cache first (every request rendered and queried), then as deployed.
    runs = {"uncached": "false"} if args.uncached_only else {"uncached": "false", "cached": "true"}
    for run, cached in runs.items():
        with gunicorn({**env, "CATALOGUE_PAGE_CACHE": cached}) as served:
            for name, paths in ours.items():
                # Warm up: long and wide enough for every worker's first request (imports, the
                # record's statement and templates compiled: seconds on this machine) to be over.
                wrk(served.port, paths, seconds=5, connections=4)
                results[name][run] = wrk(
                    served.port, paths, args.seconds, args.connections, server_pid=served.pid
                )
            app_memory = peak_rss_mb(served.pid)
            our_rows = found_rows(served.port, searched, datasette=False)
    datasette, port = serve_datasette()
    try:
        for name, paths in theirs.items():
            wrk(port, paths, seconds=5, connections=4)
            results[name]["datasette"] = wrk(
                port, paths, args.seconds, args.connections, server_pid=datasette.pid
            )
        datasette_memory = peak_rss_mb(os.getpid())  # datasette is a child of this process
        their_rows = found_rows(port, searched, datasette=True)
    finally:
        datasette.terminate()
        datasette.wait(timeout=30)

    print(
        f"\n{args.count} occupations; wrk, {args.connections} connections, {args.seconds} s per "
        "scenario and server; catalogue: gunicorn 3 workers, one connection each; "
        "Datasette: one process\n"
    )
    print("req/s, then p50 / p95 / p99 in ms; errors in brackets when there were any\n")
    print(
        "| scenario | catalogue, no page cache | catalogue, as deployed | Datasette "
        "| ratio uncached / cached | p95 below Datasette's, uncached / cached |"
    )
    print("|---|---|---|---|---:|---|")
    for name, measured in results.items():
        cells = [
            _cell(measured[run]) if run in measured else "–"
            for run in ("uncached", "cached", "datasette")
        ]
        ratio = below = "–"
        ds = measured.get("datasette")
        if ds and ds["requests"]:
            ours_measured = [measured[run] for run in runs]
            ratio = " / ".join(f"{m['rps'] / ds['rps']:.1f}×" for m in ours_measured)
            below = " / ".join("yes" if m["p95"] < ds["p95"] else "no" for m in ours_measured)
        print(f"| {name} | {' | '.join(cells)} | {ratio} | {below} |")
    print(
        f"\nPeak memory (VmHWM): catalogue workers {', '.join(f'{m:.0f}' for m in app_memory)} MB;"
        f" Datasette {', '.join(f'{m:.0f}' for m in datasette_memory)} MB"
    )
    print_cpu(results, "uncached")
    if searched:
        print("\nRows found, of the whole catalogue (not only the page):\n")
        print("| scenario | query | catalogue | Datasette |\n|---|---|---:|---:|")
        for name, queries in searched.items():
            for q in queries:
                print(f"| {name} | {q} | {our_rows[q]} | {their_rows[q]} |")


if __name__ == "__main__":
    main()
