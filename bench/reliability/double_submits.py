"""1. Double submits. On each checkout page the customer presses Pay `clicks` times at once
with one card while another tab on the same page pays with a second card; then the browser
sends the first request once more, after the answers came back. Each order: one charge. Then
`flask orders reconcile` runs, as cron would, and must find no receipt left to send."""
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from .customers import GOOD, OTHER_GOOD, Checkout
from .ledger import Ledger
from .table import Figure, tally

# Customers paying at the same moment, each with clicks + 1 requests in flight.
CUSTOMERS_AT_ONCE = 8


def customer(local, shop, clicks, email):
    """What one customer saw, answer by answer."""
    checkout = Checkout(shop.url, email)
    first, second = local.card(GOOD), local.card(OTHER_GOOD)
    together = threading.Barrier(clicks + 1)

    def press(payment_method):
        together.wait()
        return checkout.pay(payment_method)

    with ThreadPoolExecutor(clicks + 1) as tabs:
        seen = list(tabs.map(press, [first] * clicks + [second]))
    return seen + [checkout.pay(first)]


def run(local, shop, orders, clicks):
    started = time.perf_counter()
    emails = [f"double-{n}@example.com" for n in range(orders)]
    with ThreadPoolExecutor(min(orders, CUSTOMERS_AT_ONCE)) as customers:
        answers = Counter(answer for seen in customers.map(
            lambda email: customer(local, shop, clicks, email), emails) for answer in seen)
    wall = time.perf_counter() - started
    local.wait_for_webhooks()
    calls = len(local.charge_calls())
    ledger = Ledger.read(local, shop)
    reconciled = shop.reconcile(older_than=timedelta(0), cancel_after=timedelta(0))
    receipts_then = sum(shop.receipts().values())
    return [
        Figure("customers, one checkout page each", orders),
        Figure(f"Pay requests (each: {clicks} at once + another tab, then 1 retry)",
               sum(answers.values())),
        Figure("answers seen", tally(answers)),
        Figure("orders in the shop (must equal customers)", len(ledger.orders), orders),
        Figure("create/confirm calls to Stripe", calls),
        Figure("charges at Stripe (must equal customers)", ledger.total_charges, orders),
        Figure("duplicate charges (must be 0)", ledger.double_charges, 0),
        Figure("orders out of line with Stripe (must be 0)", len(ledger.out_of_line), 0),
        Figure("receipts sent (must equal paid orders)", ledger.receipts_sent, len(ledger.paid)),
        Figure("reconcile afterwards", tally(reconciled)),
        Figure("receipts after it (must equal paid orders)", receipts_then, len(ledger.paid)),
        Figure("wall time until every answer was back", f"{wall:.1f} s"),
    ]
