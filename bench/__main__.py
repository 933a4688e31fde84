"""`.venv/bin/python -m bench` (what `make bench` runs); `--quick` for a shorter, rougher run.

Servers, their logs and the database of the last run are kept in bench/out/run/.
"""
import argparse
import json
import os
import shutil
import sys

from bench import browser, load, queries, report, servers

OUT = servers.ROOT / "bench" / "out"
WORKERS = 2


def step(text):
    print(f"bench: {text}…", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 load round of 3 s, 2 payments")
    quick = parser.parse_args().quick
    workdir = OUT / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)

    results = {"machine": report.machine(WORKERS), "budgets": report.BUDGETS,
               "load_average": {"start": os.getloadavg()[0]}}
    step("starting the local Stripe, the shop and bare Flask under gunicorn")
    with servers.all_servers(workdir, WORKERS) as running:
        step("load: price partials warm and cold, each between two runs of bare Flask (wrk)")
        results["load"] = load.compare(running, workdir,
                                       rounds=1 if quick else 6, seconds=3 if quick else 4)
        step("SQL statements per request")
        results["sql"] = queries.measure(running["database"], running["stripe"])
        step("chromium: page weight, 50 price changes, payments")
        results["browser"] = browser.measure(running["shop"], running["stripe"],
                                             payments=2 if quick else 5)
    results["load_average"]["end"] = os.getloadavg()[0]

    table = report.markdown(results)
    (OUT / "latest.json").write_text(json.dumps(results, indent=2))
    (OUT / "latest.md").write_text(table + "\n")
    print(table)
    print(f"\nJSON: {OUT / 'latest.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
