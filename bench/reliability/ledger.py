"""What Stripe says against what the shop says, order by order.

The order status each PaymentIntent status stands for is written out here, not taken from
storefront.payments.decisions, so that the shop is checked against a reading of Stripe of its own.
"""
from collections import defaultdict
from dataclasses import dataclass

PAID = ("paid", "partially_refunded", "refunded")
ORDER_STATUS_FOR = {
    "succeeded": ("paid",),
    "requires_action": ("requires_action",),
    "requires_confirmation": ("requires_action",),
    "requires_payment_method": ("failed",),
    "processing": ("pending",),
    "canceled": ("canceled",),
}
NEVER_REACHED_STRIPE = ("pending", "canceled")


@dataclass
class Ledger:
    orders: list  # stack.OrderRow
    intents: dict  # order public id → its PaymentIntents (dicts), newest first
    receipts: dict  # email → receipts sent

    @classmethod
    def read(cls, local, shop):
        intents = defaultdict(list)
        for intent in local.intents():
            intents[intent["metadata"].get("order_public_id")].append(intent)
        return cls(shop.orders(), intents, shop.receipts())

    def charges(self, order):
        return sum(intent["status"] == "succeeded" for intent in self.intents[order.public_id])

    @property
    def total_charges(self):
        return sum(intent["status"] == "succeeded"
                   for intents in self.intents.values() for intent in intents)

    @property
    def double_charges(self):
        return sum(max(0, self.charges(order) - 1) for order in self.orders)

    @property
    def orphan_charges(self):
        """Payments for no order the shop knows: a lost order."""
        known = {order.public_id for order in self.orders}
        return sum(intent["status"] == "succeeded" for public_id, intents in self.intents.items()
                   if public_id not in known for intent in intents)

    @property
    def paid(self):
        return [order for order in self.orders if order.status in PAID]

    @property
    def paid_at_stripe_only(self):
        return [order for order in self.orders
                if self.charges(order) and order.status not in PAID]

    def expected_statuses(self, order):
        intents = self.intents[order.public_id]
        if any(intent["status"] == "succeeded" for intent in intents):
            return PAID
        if not intents:
            return NEVER_REACHED_STRIPE
        named = [intent for intent in intents if intent["id"] == order.payment_intent_id]
        return ORDER_STATUS_FOR[(named or intents)[0]["status"]]

    @property
    def out_of_line(self):
        return [order for order in self.orders
                if order.status not in self.expected_statuses(order)]

    @property
    def still_open(self):
        return [order for order in self.orders if order.status in ("pending", "requires_action")]

    @property
    def receipts_sent(self):
        return sum(self.receipts.values())

    @property
    def receipted_twice(self):
        return sum(count > 1 for count in self.receipts.values())

    @property
    def fulfilled(self):
        return sum(order.fulfilled for order in self.orders)
