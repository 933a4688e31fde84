"""Faults in the production topology, for the tests that pay through them: the control commands
scripts/with-production.sh leaves in PRODUCTION_CONTROL (kill or start an instance, stop or start
Redis and the SMTP server, restart PostgreSQL, run a `flask` command as the operator's timer
does), a customer who presses Pay again until paid, what every customer saw, and the books
(charges at Stripe, paid orders, receipts at the SMTP server) that must still balance."""
import email
import email.policy
import os
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import sqlalchemy
import stripe

from tests.topology.clients import Customer

# What a customer may meet while a fault lasts, if pressing Pay again then gets them paid:
# nginx's 502 (the instance that had the request died), the shop's 503 "try again" (the database
# is away), its 409 "already being paid in another window" (the order's lease, held by a request
# that died with its instance, runs out after storefront/orders/leases.py's LEASE_SECONDS).
# Never a 500.
PASSING = {502, 503, 409}


def control(command, *args, timeout=120):
    """Run one of with-production.sh's control commands; it returns once done."""
    folder = os.environ.get("PRODUCTION_CONTROL")
    path = Path(folder or "", command)
    if not folder or not path.exists():
        pytest.skip(f"no control command {command} in this run (scripts/with-production.sh)")
    done = subprocess.run([str(path), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command} {args}: {done.stdout}{done.stderr}"
    return done.stdout


def running(server):
    """Whether the server `server` (a name in with-production.sh's pids/: gunicorn-1, redis,
    smtp …) is up, as far as its pid file says."""
    pid_file = Path(os.environ["PRODUCTION_CONTROL"]).parent / "pids" / f"{server}.pid"
    try:
        os.kill(int(pid_file.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


def clear_stripe_faults(production):
    requests.delete(f"{production.stripe_url}/_emulator/faults", timeout=10).raise_for_status()


def delay_stripe(production, seconds, count, path="/v1/payment_intents"):
    """Hold the next `count` POSTs to `path` at the local Stripe for `seconds` each (they hold
    their idempotency key meanwhile, then go through)."""
    response = requests.post(f"{production.stripe_url}/_emulator/faults", timeout=10, json={
        "kind": "delay", "delay_ms": int(seconds * 1000), "count": count, "method": "POST",
        "path": path})
    response.raise_for_status()


def calls_in_flight(production, path="/v1/payment_intents"):
    """POSTs to `path` the local Stripe has begun and not yet answered."""
    sent = requests.get(f"{production.stripe_url}/_emulator/requests", timeout=10,
                        params={"method": "POST", "path_prefix": path}).json()
    return [entry for entry in sent if entry["status"] is None]


@dataclass
class Visit:
    """One customer's pay presses: the status of each answer, and the order it paid."""
    name: str
    statuses: list = field(default_factory=list)
    order: str = None
    paid: bool = False

    @property
    def seen(self):
        return " → ".join(map(str, self.statuses))


@dataclass
class Outcome:
    """What one fault did, for the run's figures (figures.fault_lines)."""
    fault: str
    visits: list
    orders: int
    charges: int
    receipts: int
    seconds: float


OUTCOMES = []


def record(fault, visits, books, seconds):
    """Keep what the fault's customers saw and their orders' books."""
    ids = [visit.order for visit in visits if visit.order]
    OUTCOMES.append(Outcome(fault, visits, *books.of(ids), seconds))


def pay_until_paid(customer, form, visit, slug, seconds=100, pause=0.5):
    """Press Pay (the same form, through nginx) until the receipt, as a customer does with
    paying.js's "try again"; every answer is kept in `visit`. Anything but an answer in PASSING
    fails the test at once."""
    deadline = time.monotonic() + seconds
    while True:
        response = customer.post(f"/p/{slug}/pay", form)
        visit.statuses.append(response.status_code)
        assert_clear(response)
        if response.status_code == 200:
            body = response.json()
            assert body["next"] == "receipt", body
            visit.order, visit.paid = body["order"], True
            return visit
        assert time.monotonic() < deadline, \
            f"{visit.name}: not paid after {seconds} s: {visit.seen}"
        time.sleep(pause)


def assert_clear(response):
    """A customer's answer is a success, or a failure that says "try again": never a 500."""
    status = response.status_code
    assert status == 200 or status in PASSING, f"{status}: {response.text[:300]}"
    if status == 502:
        # nginx's own page: the instance that had the request went away mid-answer.
        assert "text/html" in response.headers.get("Content-Type", ""), response.text[:300]
    elif status in (503, 409):
        body = response.json()  # the shop's, for paying.js
        assert body["next"] == "retry" and body["message"], body


def customers_pay(production, addresses, slug, card, on_the_way=None, seconds=100, pause=0.5):
    """Customers, one per address, each with a checkout page open, press Pay at once and again
    until paid; `on_the_way()` runs meanwhile (the fault). Returns their visits."""
    customers = [Customer(production, address) for address in addresses]
    for customer in customers:
        customer.open_checkout(slug)
    visits = [Visit(f"customer {number}") for number, _ in enumerate(customers, start=1)]
    forms = [customer.pay_form(card(), email=f"fault-{customer.address}@example.com")
             for customer in customers]
    with ThreadPoolExecutor(len(customers) + 1) as pool:
        paying = [pool.submit(pay_until_paid, customer, form, visit, slug, seconds, pause)
                  for customer, form, visit in zip(customers, forms, visits)]
        if on_the_way:
            on_the_way()
        for future in paying:
            future.result()
    return visits


# The books: every charge at Stripe has one paid order, every paid order one receipt.

PAID = ("paid", "partially_refunded", "refunded")


def orders(production):
    engine = sqlalchemy.create_engine(production.database_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(sqlalchemy.text(
                "SELECT public_id, status FROM orders")).all())
    finally:
        engine.dispose()


def charges(production):
    """Order public id → how many PaymentIntents Stripe charged for it."""
    client = stripe.StripeClient(production.stripe_secret_key,
                                 base_addresses={"api": production.stripe_url})
    charged = Counter()
    for intent in client.v1.payment_intents.list({"limit": 100}).auto_paging_iter():
        if intent.status == "succeeded":
            metadata = intent.metadata.to_dict() if intent.metadata else {}
            charged[metadata.get("order_public_id")] += 1
    return charged


def receipts(production):
    """Order public id → receipts the SMTP server accepted for it (by the receipt's Message-ID,
    <receipt-PUBLIC_ID@host>)."""
    counted = Counter()
    for path in production.mail_spool.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        local = (message["Message-ID"] or "").strip("<>").split("@")[0]
        if local.startswith("receipt-"):
            counted[local.removeprefix("receipt-")] += 1
    return counted


@dataclass
class Books:
    orders: dict
    charges: Counter
    receipts: Counter

    def of(self, public_ids):
        """(orders, charges, receipts) of these orders."""
        return (len([i for i in public_ids if i in self.orders]),
                sum(self.charges[i] for i in public_ids), sum(self.receipts[i] for i in public_ids))

    def wrong(self):
        """Every way the books do not balance, for the whole run so far."""
        paid = {public_id for public_id, status in self.orders.items() if status in PAID}
        return sorted(
            [f"{public_id}: charged {count} times" for public_id, count in self.charges.items()
             if count != 1]
            + [f"{public_id}: charged, order {self.orders.get(public_id)}"
               for public_id in self.charges if public_id not in paid]
            + [f"{public_id}: paid, never charged" for public_id in paid
               if not self.charges[public_id]]
            + [f"{public_id}: paid, {self.receipts[public_id]} receipts" for public_id in paid
               if self.receipts[public_id] != 1]
            + [f"{public_id}: receipt for an unpaid order" for public_id in self.receipts
               if public_id not in paid])


def books(production):
    return Books(orders(production), charges(production), receipts(production))


def balanced_books(production, seconds=20):
    """The books once they balance (receipts go out just after the answer), or the test fails
    saying what is wrong."""
    deadline = time.monotonic() + seconds
    while (now := books(production)).wrong():
        assert time.monotonic() < deadline, now.wrong()
        time.sleep(0.2)
    return now
