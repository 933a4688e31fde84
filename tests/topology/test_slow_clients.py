"""Slow clients wait on nginx, not on the shop (issue 11, point 8): with twenty connections
sending their request a byte at a time, a customer's checkout through nginx still goes through
at its usual pace. Each instance has only workers x threads (2 x 4) request slots, so the same
clients sent straight to gunicorn would hold them all.

The bound is functional (the checkout finishes, well before a customer gives up), not a
benchmark; the timings are printed: run with -s to see them.
"""
import time

import pytest

from tests.helpers import card
from tests.topology.clients import BYTE_EVERY, CLIENTS, Customer, SlowClients

BOUND = 5.0  # seconds the whole checkout may take


@pytest.mark.parametrize("part", ["headers", "body"])
def test_twenty_slow_clients_do_not_stall_a_checkout(production, client_address, stripe_client, part):
    customer = Customer(production, client_address)
    timings = {}
    with SlowClients(production, part) as slow:
        start = time.monotonic()
        customer.open_checkout("organic-tee")
        timings["checkout page"] = time.monotonic() - start
        form = customer.pay_form(card(stripe_client), email=f"slow-{part}@example.com")
        mark = time.monotonic()
        answer = customer.post("/p/organic-tee/pay", form)
        timings["pay"] = time.monotonic() - mark
        mark = time.monotonic()
        receipt = customer.session.get(f"{production.url}{answer.json()['url']}", timeout=10)
        timings["receipt page"] = time.monotonic() - mark
        timings["whole checkout"] = time.monotonic() - start
        still_trickling = all(thread.is_alive() for thread in slow.threads)

    print(f"\n{CLIENTS} slow-{part} clients (a byte every {BYTE_EVERY} s) through nginx: "
          + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()))
    assert still_trickling, "the slow clients must have been sending all along"
    assert answer.json()["next"] == "receipt"
    assert "Thank you! Your payment went through." in receipt.text
    assert timings["whole checkout"] < BOUND
