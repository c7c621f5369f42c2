"""A mixed-load soak: ten minutes of searches, pages, API and autocomplete at once.

    .venv/bin/python bench/soak.py [--minutes 10] [--connections 8]

Serves the synthetic catalogue of `catalogue_bench` (see bench/search.py) with gunicorn and the
production settings, and runs wrk against a mix of every kind of request, one minute at a time,
printing each minute's requests/s, p95, errors and the workers' resident memory, then the
totals. Passes when there were no errors and memory is flat (the last minute's within 10% of
the second's; the first includes warming up).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, synthetic_catalogue, wrk


def resident_mb(parent_pid: int) -> float:
    children = Path(f"/proc/{parent_pid}/task/{parent_pid}/children").read_text().split()
    total = 0.0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    env = synthetic_catalogue(100_000)
    from bench.compare import app_paths
    from catalogue.models import Occupation

    slugs = list(Occupation.objects.order_by("pk").values_list("slug", flat=True)[::997])
    # Every kind of request, interleaved; many distinct details, so the cache does not hold all.
    kinds = app_paths(slugs)
    mix = [path for group in zip(*[kinds[k] * 40 for k in kinds], strict=False) for path in group]

    totals = {"requests": 0, "errors": 0}
    memory = []
    with gunicorn(env) as served:
        print("| minute | requests/s | p95 ms | errors | workers' RSS MB |")
        print("|---:|---:|---:|---:|---:|")
        for minute in range(1, args.minutes + 1):
            result = wrk(served.port, mix, seconds=60, connections=args.connections)
            memory.append(resident_mb(served.pid))
            totals["requests"] += result["requests"]
            totals["errors"] += result["errors"]
            print(
                f"| {minute} | {result['rps']:.0f} | {result['p95']:.0f} | {result['errors']} "
                f"| {memory[-1]:.0f} |",
                flush=True,
            )
    flat = len(memory) < 3 or memory[-1] <= memory[1] * 1.10
    print(
        f"\n{totals['requests']} requests in {args.minutes} minutes, {totals['errors']} errors; "
        f"memory {memory[0]:.0f} → {memory[-1]:.0f} MB ({'flat' if flat else 'GROWING'})"
    )
    sys.exit(0 if totals["errors"] == 0 and flat else 1)


if __name__ == "__main__":
    main()
