"""Slow clients with and without nginx in front (issue 11, point 8), under the production topology:

    scripts/with-production.sh .venv/bin/python bench/slow_clients.py

Twenty connections send a request a byte at a time, first to nginx, then straight to one gunicorn
instance (2 workers x 4 threads); meanwhile a customer loads the checkout page from the same
place. Prints how long the customer waited, or that they gave up after GIVE_UP seconds.
"""
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.topology.clients import CLIENTS, BYTE_EVERY, Production, SlowClients, forwarded  # noqa: E402

GIVE_UP = 10.0  # seconds


def customer_wait(production, instance):
    """Seconds the checkout page took, through nginx or (`instance`) straight to an instance."""
    if instance is None:
        url, headers, verify = f"{production.url}/p/organic-tee", {}, production.ca_file
    else:
        url, headers, verify = f"{instance}/p/organic-tee", forwarded(production, "127.0.0.9"), True
    session = requests.Session()
    session.trust_env = False
    start = time.monotonic()
    try:
        session.get(url, headers=headers, verify=verify, timeout=GIVE_UP).raise_for_status()
    except requests.Timeout:
        return None
    return time.monotonic() - start


def main():
    production = Production.from_environment()
    print(f"{CLIENTS} clients sending their headers a byte every {BYTE_EVERY} s; "
          "a customer loads the checkout page:")
    for name, instance in (("through nginx", None), ("straight to gunicorn", production.instances[0])):
        quiet = customer_wait(production, instance)
        with SlowClients(production, "headers", instance=instance):
            waited = customer_wait(production, instance)
        shown = f"{waited:.2f} s" if waited is not None else f"gave up after {GIVE_UP:.0f} s"
        print(f"  {name:22} quiet {quiet:.2f} s, with slow clients {shown}")


if __name__ == "__main__":
    main()
