"""Slow clients wait on nginx, not on the shop (issue 11, point 8): with twenty connections
sending their request a byte at a time, a customer's checkout through nginx still goes through
at its usual pace. Each instance has only workers x threads (2 x 4) request slots, so the same
clients sent straight to gunicorn would hold them all.

The bound is functional (the checkout finishes, well before a customer gives up), not a
benchmark; the timings are printed: run with -s to see them.
"""
import threading
import time

import pytest

from tests.shop.helpers import card
from tests.topology.clients import Customer, tls_socket, wait_for

CLIENTS = 20
BYTE_EVERY = 0.3  # seconds between two bytes of a slow client
BOUND = 5.0       # seconds the whole checkout may take


def slow_request(production, part):
    """What a slow client sends: its headers (or, past the headers, its body) byte by byte."""
    if part == "headers":
        return b"", f"GET / HTTP/1.1\r\nHost: {production.host}\r\nX-Slow: {'a' * 200}\r\n\r\n".encode()
    body = b"quantity=2&" + b"a" * 200
    head = (f"POST /p/organic-tee HTTP/1.1\r\nHost: {production.host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head, body


class SlowClients:
    """`count` connections to nginx, each trickling its request until stopped."""

    def __init__(self, production, part, count=CLIENTS):
        self.production, self.part, self.count = production, part, count
        self.stop = threading.Event()
        self.trickling = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.trickle, daemon=True) for _ in range(count)]

    def trickle(self):
        head, slow = slow_request(self.production, self.part)
        with tls_socket(self.production) as sock:
            sock.sendall(head)
            with self.lock:
                self.trickling += 1
            try:
                for byte in slow:
                    if self.stop.wait(BYTE_EVERY):
                        return
                    sock.sendall(bytes([byte]))
            except OSError:
                pass  # nginx gave up on this client (client_header_timeout, client_body_timeout)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        wait_for(lambda: self.trickling == self.count, timeout=20, message="slow clients connected")
        time.sleep(3 * BYTE_EVERY)  # each has sent a few bytes: their requests are half-read
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)


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
