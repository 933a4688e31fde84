"""Deleting an account: its saved ways of paying are detached and its Stripe Customer deleted
at Stripe, then, in one commit, the person's details leave the shop's records and the account
goes. The orders stay, for the books: what was sold, for how much, when, how it was paid (the
PaymentIntent, for refunds and disputes), tax and shipping charged, and the country and state
it shipped to (where the tax was owed). What names the person goes: the email (replaced by
deleted-<account>@invalid, which no mail server delivers to), the name and the street address it
shipped to, the card's brand and last four, the email in a recorded Stripe Checkout request, and
any email still waiting in the outbox. Stripe keeps its own copies of what it was sent, under its
own retention (docs/accounts.md).

Stripe first, the database after: a Stripe call that fails leaves the account as it was, to
try again; each call is safe to repeat (gateway.detach_method, gateway.delete_customer).
"""
import stripe
from sqlalchemy import delete, func, or_, update

from storefront.models import Order, OrderTransition, SignInLink
from storefront.payments import gateway
from storefront.web.extensions import db

# The parts of a shipping address kept: where the sale was taxed, not where the person lives.
ADDRESS_KEPT = ("country", "state")


def anonymous_email(account):
    return f"deleted-{account.public_id.lower()}@invalid"


def delete_account(account):
    """Delete the account (a Stripe error propagates, and nothing is changed here)."""
    customer_id = account.stripe_customer_id
    db.session.commit()  # no transaction open across the Stripe calls
    if customer_id:
        for method in _saved_methods(customer_id):
            gateway.detach_method(method.id)
        gateway.delete_customer(customer_id)
    _forget(account)


def _saved_methods(customer_id):
    try:
        return gateway.saved_methods(customer_id)
    except stripe.InvalidRequestError as error:
        if gateway.gone(error):  # the Customer went already (a try whose answer was lost)
            return []
        raise


def _orders_of(account):
    return db.session.scalars(db.select(Order).where(or_(
        Order.account_id == account.id, func.lower(Order.email) == account.email))).all()


def _forget(account):
    replacement = anonymous_email(account)
    for order in _orders_of(account):
        order.email = replacement
        order.account_id = None
        order.shipping_name = None
        if order.shipping_address:
            order.shipping_address = {part: order.shipping_address.get(part) for part in ADDRESS_KEPT}
        order.card_brand = order.card_last4 = None
        # An email still due would go to nobody now.
        order.receipt_due_at = order.failure_email_due_at = order.verify_email_due_at = None
        order.transitions.append(OrderTransition(
            from_status=order.status, to_status=order.status, source="account",
            note="The customer deleted their account: their details were removed."))
        for attempt in order.attempts:
            if attempt.request and "customer_email" in (attempt.request.get("params") or {}):
                # A new dict: the JSON column saves only a value it sees replaced.
                attempt.request = {**attempt.request, "params": {
                    **attempt.request["params"], "customer_email": replacement}}
    db.session.execute(delete(SignInLink).where(SignInLink.email == account.email))
    db.session.execute(update(Order).where(Order.account_id == account.id).values(account_id=None))
    db.session.delete(account)
    db.session.commit()
