"""3. Stripe faults. Before each Pay press, with probability `rate`, the local Stripe is told to
fail the next charge call: a 500, a 429, a dropped connection, or a delay beyond the shop's
Stripe timeout. Customers press Pay again with a new card (Stripe.js makes a new PaymentMethod
each time) a few times, then give up and close the tab. Webhooks are held the whole time, as
if the shop's endpoint were down, so reconcile alone must find what Stripe did. Then the held
webhooks arrive, late and shuffled, and must change nothing."""
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from .customers import DECLINED, GOOD, Checkout
from .ledger import Ledger
from .table import Figure, tally

KINDS = ("500", "429", "drop", "delay")
STRIPE_TIMEOUT_SECONDS = 0.5
DELAY_MS = 1500  # three times the shop's patience: the answer is lost, the charge happens
PRESSES = 3  # then the customer gives up
FIRST_CARD_DECLINED = 0.2  # the share of customers whose first card is declined
CUSTOMERS_AT_ONCE = 6
# What `flask orders reconcile` reports, shown one figure each; anything else goes together.
RECONCILED = ("now paid", "canceled (never reached Stripe)", "canceled (abandoned)",
              "receipts sent")


def customer(local, shop, rate, seed, number):
    """(email, Pay presses, whether the customer saw a receipt)."""
    rng = random.Random(f"{seed}-{number}")
    email = f"faults-{number}@example.com"
    checkout = Checkout(shop.url, email)
    cards = [DECLINED] if rng.random() < FIRST_CARD_DECLINED else []
    for press in range(1, PRESSES + 1):
        if rng.random() < rate:
            kind = rng.choice(KINDS)
            local.fault(kind, **({"delay_ms": DELAY_MS} if kind == "delay" else {}))
        seen = checkout.pay(local.card(cards.pop() if cards else GOOD))
        if seen in ("receipt", "stopped"):
            return email, press, seen == "receipt"
        time.sleep(rng.uniform(0.2, 0.8))  # reads the message, then tries again
    return email, PRESSES, False


def run(local, shop, orders, rate, retries, seed):
    shop.use_stripe_client(timeout=STRIPE_TIMEOUT_SECONDS, retries=retries)
    started = time.perf_counter()
    local.hold()
    with ThreadPoolExecutor(CUSTOMERS_AT_ONCE) as customers:
        outcomes = list(customers.map(lambda n: customer(local, shop, rate, seed, n),
                                      range(orders)))
    local.clear_faults()
    local.wait_until_idle()
    calls = local.charge_calls()
    faulted = [call["fault"] for call in calls if call["fault"]]
    before = Ledger.read(local, shop)

    done = shop.reconcile(older_than=timedelta(0), cancel_after=timedelta(0))
    after = Ledger.read(local, shop)
    paid = len(after.paid)

    local.release("shuffle", seed)
    local.wait_for_webhooks()
    late = Ledger.read(local, shop)
    changed = sum(a.status != b.status for a, b in zip(after.orders, late.orders))
    gave_up = {email for email, _, receipt in outcomes if not receipt}
    other = tally(Counter({what: count for what, count in done.items() if what not in RECONCILED}))
    return [
        Figure("customers, one order each", orders),
        Figure("Pay presses", sum(presses for _, presses, _ in outcomes)),
        Figure("charge calls to Stripe", len(calls)),
        Figure("  failed by a fault: " + " / ".join(KINDS),
               " / ".join(str(faulted.count(kind)) for kind in KINDS)),
        Figure("  share of calls failed", f"{100 * len(faulted) / max(1, len(calls)):.0f}%"),
        Figure("customers who saw their receipt", orders - len(gave_up)),
        Figure("customers who gave up", len(gave_up)),
        Figure("  of whom Stripe charged anyway",
               sum(order.email in gave_up for order in after.paid)),
        Figure("paid at Stripe, not in the shop, before reconcile",
               len(before.paid_at_stripe_only)),
        *(Figure(f"reconcile: {what}", done[what]) for what in RECONCILED),
        Figure("reconcile: other outcomes", other),
        Figure("paid orders", paid),
        Figure("charges at Stripe", after.total_charges),
        Figure("double charges (must be 0)", after.double_charges, 0),
        Figure("charges for no order in the shop (must be 0)", after.orphan_charges, 0),
        Figure("paid at Stripe, not in the shop, after reconcile (must be 0)",
               len(after.paid_at_stripe_only), 0),
        Figure("orders out of line with Stripe after reconcile (must be 0)",
               len(after.out_of_line), 0),
        Figure("receipts sent (must equal paid orders)", after.receipts_sent, paid),
        Figure("orders changed by the late webhooks (must be 0)", changed, 0),
        Figure("receipts after the late webhooks (must equal paid orders)",
               late.receipts_sent, paid),
        Figure("wall time", f"{time.perf_counter() - started:.1f} s"),
    ]
