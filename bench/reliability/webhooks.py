"""2. Webhooks. While the local Stripe holds every delivery, customers pay, are declined, leave
3-D Secure unfinished, or lose the shop's answer (the charge call outlasts the shop's Stripe
timeout, and only a webhook can tell the shop how it ended). Then the held deliveries go out
shuffled, events are redelivered ahead of their originals and after them, some are posted twice
at the same moment, and forged deliveries are posted in between. Last, the customers whose
answer was lost press Pay again on the page they left open."""
import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.helpers import event, signed

from .customers import DECLINED, GOOD, THREE_D_SECURE, TIMEOUT, Checkout
from .ledger import Ledger
from .table import Figure, tally

# What each customer does: the cards they try in turn, and whether the first answer is lost.
PLANS = {
    "paid": ([GOOD], False),
    "declined": ([DECLINED], False),
    "declined, then paid": ([DECLINED, GOOD], False),
    "3-D Secure left unfinished": ([THREE_D_SECURE], False),
    "answer lost, card good": ([GOOD], True),
    "answer lost, card declined": ([DECLINED], True),
}
STRIPE_TIMEOUT_SECONDS, LOST_ANSWER_DELAY_MS = 0.5, 1500
# An order makes about three events: one order for every six deliveries asked for leaves
# about half of them duplicates.
DELIVERIES_PER_ORDER = 6
FORGERIES = ("wrong secret", "re-serialised body", "stale timestamp")


def customer(local, shop, number, plan):
    checkout = Checkout(shop.url, f"webhooks-{number}@example.com")
    cards, answer_lost = PLANS[plan]
    if answer_lost:
        local.fault("delay", delay_ms=LOST_ANSWER_DELAY_MS)
    for card in cards:
        if checkout.pay(local.card(card)) != "declined":
            break
    return checkout


def forged(kind, intent, secret, number):
    """A delivery claiming an unpaid intent succeeded: (body, Stripe-Signature header)."""
    payload = event("payment_intent.succeeded",
                    {**intent, "status": "succeeded", "amount_received": intent["amount"],
                     "last_payment_error": None}, f"evt_forged_{number}")
    if kind == "wrong secret":
        return payload, signed(payload, "whsec_not_the_shops")
    if kind == "re-serialised body":
        return json.dumps(json.loads(payload), indent=2).encode(), signed(payload, secret)
    return payload, signed(payload, secret, timestamp=time.time() - 3600)


def post(shop, body, header):
    return requests.post(f"{shop.url}/webhooks/stripe", data=body, timeout=TIMEOUT, headers={
        "Content-Type": "application/json", "Stripe-Signature": header}).status_code


def send_forged(shop, forgeries):
    statuses = []
    for body, header in forgeries:
        statuses.append(post(shop, body, header))
        time.sleep(0.02)  # spread among the genuine deliveries
    return statuses


def send_twice_at_once(local, shop, event_id):
    """Two correctly signed deliveries of one event at the same moment, as two of Stripe's
    senders might make them."""
    payload = json.dumps(local.api.events.retrieve(event_id).to_dict()).encode()
    header = signed(payload, shop.webhook_secret)
    together = threading.Barrier(2)

    def deliver(_):
        together.wait()
        return post(shop, payload, header)

    with ThreadPoolExecutor(2) as senders:
        return list(senders.map(deliver, range(2)))


def run(local, shop, deliveries, seed):
    rng = random.Random(seed)
    shop.use_stripe_client(timeout=STRIPE_TIMEOUT_SECONDS, retries=0)
    orders = max(len(PLANS), deliveries // DELIVERIES_PER_ORDER)
    plans = [list(PLANS)[n % len(PLANS)] for n in range(orders)]
    rng.shuffle(plans)
    started = time.perf_counter()

    local.hold()
    checkouts = [(plan, customer(local, shop, n, plan)) for n, plan in enumerate(plans)]
    local.wait_until_idle()  # the calls whose answer was lost have finished at Stripe
    event_ids = local.event_ids()
    extra = max(0, deliveries - len(event_ids))
    twins, early = extra // 8, extra // 4
    late = extra - early - 2 * twins
    unpaid = [intent for intent in local.intents() if intent["status"] != "succeeded"]
    forgeries = [forged(FORGERIES[n % len(FORGERIES)], rng.choice(unpaid), shop.webhook_secret, n)
                 for n in range(max(len(FORGERIES), deliveries // 10))]
    late_ids, twin_ids = rng.choices(event_ids, k=late), rng.choices(event_ids, k=twins)

    for event_id in rng.choices(event_ids, k=early):
        local.redeliver(event_id)  # a duplicate that arrives before its original
    released = local.release("shuffle", seed)
    with ThreadPoolExecutor(3) as senders:
        forged_statuses = senders.submit(send_forged, shop, forgeries)
        senders.submit(lambda: [local.redeliver(event_id) for event_id in late_ids])
        twin_statuses = senders.submit(
            lambda: [status for event_id in twin_ids
                     for status in send_twice_at_once(local, shop, event_id)])
    local.wait_for_webhooks(redeliveries=early + late)

    lost = [checkout for plan, checkout in checkouts if PLANS[plan][1]]
    back = [checkout.pay(local.card(GOOD)) for checkout in lost]
    local.wait_until_idle()
    local.wait_for_webhooks(redeliveries=early + late)

    attempts = local.deliveries()
    refused = [status for status in [a["status"] for a in attempts] + twin_statuses.result()
               if not (status and 200 <= status < 300)]
    rejected = sum(status == 400 for status in forged_statuses.result())
    ledger = Ledger.read(local, shop)
    paid = len(ledger.paid)
    return [
        Figure(f"orders ({len(PLANS)} kinds of customer, shuffled)", orders),
        Figure("events at Stripe while deliveries were held", len(event_ids)),
        Figure(f"  held deliveries released shuffled (seed {seed})", len(released)),
        Figure("  duplicates sent ahead of their originals", early),
        Figure("  duplicates sent after them", late),
        Figure("  deliveries sent twice at the same moment", 2 * twins),
        Figure("genuine deliveries made, Stripe's retries included",
               len(attempts) + 2 * twins),
        Figure("  of which the shop refused (non-2xx, Stripe retried)", len(refused)),
        Figure("  given up by Stripe after every retry",
               sum(a["outcome"] == "failed" for a in attempts)),
        Figure("forged deliveries (" + ", ".join(FORGERIES) + ")", len(forgeries)),
        Figure("forged deliveries rejected with 400 (must equal forged)", rejected,
               len(forgeries)),
        Figure("orders out of line with Stripe (must be 0)", len(ledger.out_of_line), 0),
        Figure("paid orders", paid),
        Figure("receipts sent (must equal paid orders)", ledger.receipts_sent, paid),
        Figure("orders fulfilled (must equal paid orders)", ledger.fulfilled, paid),
        Figure("customers receipted twice (must be 0)", ledger.receipted_twice, 0),
        Figure("customers back after a lost answer: what they saw", tally(Counter(back))),
        Figure("wall time", f"{time.perf_counter() - started:.1f} s"),
    ]
