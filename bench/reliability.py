"""Reliability figures for the checkout: double submits, webhooks, Stripe faults and reconcile,
bags paying makers through Connect.

    .venv/bin/python bench/reliability.py [--orders M] [--clicks N] [--events K]
                                          [--fault-rate X] [--seed S] [--database-url URL]

Starts the local Stripe in-process and, for each scenario, a shop (threaded werkzeug, free
loopback ports) on an empty database: a temporary SQLite file, or the scratch database given by
--database-url / TEST_DATABASE_URL, whose tables are dropped and created again. Prints one
table per scenario; exits 1 if an invariant (a figure marked ok/BROKEN) is broken.
"""
import argparse
import logging
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import stripe  # noqa: E402

from reliability import bags, double_submits, faults, webhooks  # noqa: E402
from reliability.stack import local_stripe, running_shop  # noqa: E402
from reliability.table import Table  # noqa: E402


# The shop's stripe library retrying by itself (max_network_retries), or leaving it to people.
RETRIES = (0, 2)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20, metavar="M",
                        help="customers in scenarios 1 and 3 (default 20)")
    parser.add_argument("--clicks", type=int, default=4, metavar="N",
                        help="Pay presses at once per customer in scenario 1 (default 4)")
    parser.add_argument("--events", type=int, default=200, metavar="K",
                        help="genuine webhook deliveries in scenario 2, at least (default 200)")
    parser.add_argument("--fault-rate", type=float, default=50, metavar="X",
                        help="percent of Pay presses whose charge call fails, in scenario 3 "
                        "(default 50)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="for the shuffles, the faults and the customers' choices (default 1)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        metavar="URL", help="a scratch database, emptied for each scenario "
                        "(default: TEST_DATABASE_URL, else a temporary SQLite file)")
    return parser.parse_args()


def describe_machine(args):
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    database = args.database_url.split("://")[0] if args.database_url else "SQLite (temp file)"
    print(" ".join(["bench/reliability.py", *sys.argv[1:]]))
    print(f"Python {sys.version.split()[0]}, stripe {stripe.VERSION}, {os.cpu_count()} CPUs, "
          f"load average {load}, database {database}")


def main():
    args = arguments()
    # Access logs and the shop's warnings about the faults it is meant to survive are noise here.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("storefront").setLevel(logging.ERROR)
    describe_machine(args)
    started = time.perf_counter()
    broken = []
    with tempfile.TemporaryDirectory() as scratch, local_stripe() as local:

        def database(name):
            return args.database_url or f"sqlite:///{scratch}/{name}.db"

        def scenario(title, columns, name, runs):
            figures = []
            for run in runs:
                local.reset()
                with running_shop(local, database(name)) as shop:
                    figures.append(run(shop))
            table = Table(title, columns, figures)
            table.print()
            broken.extend(table.broken)

        scenario(f"1. Double submits: {args.orders} customers, {args.clicks} Pay presses at once "
                 "each, plus another tab's card and a retry", [""], "double-submits",
                 [lambda shop: double_submits.run(local, shop, args.orders, args.clicks)])
        scenario(f"2. Webhooks: at least {args.events} deliveries, shuffled and duplicated, "
                 "with forged ones in between", [""], "webhooks",
                 [lambda shop: webhooks.run(local, shop, args.events, args.seed)])
        scenario(f"3. Stripe faults: before {args.fault_rate:g}% of Pay presses, customers "
                 "retrying, webhooks down, then reconcile",
                 [f"retries={n}" for n in RETRIES], "faults",
                 [lambda shop, n=n: faults.run(local, shop, args.orders, args.fault_rate / 100,
                                               n, args.seed) for n in RETRIES])
        scenario(f"4. Bags and makers: {args.orders} bags, {args.clicks} Pay presses at once each, "
                 "one maker enabled halfway, a maker's line refunded in every third order",
                 [""], "bags",
                 [lambda shop: bags.run(local, shop, args.orders, args.clicks, args.seed)])
    print(f"\nTotal wall time {time.perf_counter() - started:.0f} s.")
    for line in broken:
        print(f"BROKEN in {line}")
    if not broken:
        print("Every invariant held.")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
