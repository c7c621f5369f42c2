"""Lighthouse scores (performance, accessibility, best practices, SEO) for home, list and detail.

    .venv/bin/python bench/lighthouse.py [--runs 3]

Serves the seed catalogue and the reference data in data/ (or CATALOGUE_DATA_DIR's)
from a database of its own, `catalogue_lighthouse`, with the production settings and gunicorn
on loopback, and runs Lighthouse from the npm registry (installed by `npm ci` from
bench/package-lock.json) in the machine's Chromium. Prints the median score per category of
`--runs` runs, for the mobile and the desktop presets.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MANAGE, database_url, gunicorn, prepare, production_env

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ATTEMPTS = 3
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "/",
    "list": "/occupations/",
    "search": "/occupations/?q=%E8%AE%AD%E7%BB%83%E5%B8%88",
    "detail": "/occupations/ai-trainer/",
    "detail (中文)": "/zh-hans/occupations/ai-trainer/",
}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync --no-first-run"
)


def lighthouse(url: str, preset: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        for attempt in range(1, ATTEMPTS + 1):
            # Lighthouse now and then fails to record its trace (NO_NAVSTART): run it again.
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM})
            if done.returncode == 0:
                break
            print(f"(Lighthouse failed on {url}, attempt {attempt} of {ATTEMPTS})", file=sys.stderr)
        else:
            sys.exit(f"Lighthouse failed {ATTEMPTS} times on {url}.")
        categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"No Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM.")
    if not LIGHTHOUSE.exists():
        if not shutil.which("npm"):
            sys.exit("npm is needed to install Lighthouse (bench/package.json).")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env = production_env(database_url("catalogue_lighthouse"))
    prepare(env)
    subprocess.run([*MANAGE, "loaddata", "seed", "-v0"], env=env, check=True)
    # The whole catalogue, as make run serves it (data/, or CATALOGUE_DATA_DIR's).
    subprocess.run([*MANAGE, "import_data", "-v0"], env=env, check=True, stdout=subprocess.DEVNULL)

    with gunicorn(env) as served:
        port = served.port
        print(f"\nLighthouse, median of {args.runs} runs, Chromium at {CHROMIUM}\n")
        print("| page | preset | " + " | ".join(CATEGORIES) + " |")
        print("|---|---|" + "---:|" * len(CATEGORIES))
        for name, path in PAGES.items():
            for preset in ("mobile", "desktop"):
                runs = [
                    lighthouse(f"http://127.0.0.1:{port}{path}", preset) for _ in range(args.runs)
                ]
                medians = [statistics.median(run[c] for run in runs) for c in CATEGORIES]
                print(f"| {name} | {preset} | " + " | ".join(f"{m:.0f}" for m in medians) + " |")


if __name__ == "__main__":
    main()
