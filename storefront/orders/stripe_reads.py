"""Pages anyone may load ask Stripe about an order at most once per interval.

The receipt of an order waiting for microdeposits and the return from Stripe's Checkout page
read the order at Stripe, and anyone holding their URL may load them as often as they like.
Each read is an API call counted against the shop's Stripe rate limit, so one page load per
order and STRIPE_READ_INTERVAL_SECONDS may ask; the others show what that one learned (the
link it found, kept on the order row, so every instance sees it) and leave the rest to
Stripe's webhooks. A conditional UPDATE claims the read, atomic on SQLite and PostgreSQL.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update

from storefront.models import Order, utcnow
from storefront.web.extensions import db


def may_ask(order):
    """True when this request may ask Stripe about `order` now (it has claimed the read)."""
    now = utcnow()
    since = now - timedelta(seconds=current_app.config["STRIPE_READ_INTERVAL_SECONDS"])
    claimed = db.session.execute(
        update(Order)
        .where(Order.id == order.id, or_(Order.stripe_read_at.is_(None), Order.stripe_read_at <= since))
        # Asking Stripe is not a change to the order: updated_at stays.
        .values(stripe_read_at=now, updated_at=Order.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    return claimed


def remember(order, link):
    """Keep the link Stripe's answer gave (a verification page, a payment page; None: none)."""
    db.session.execute(
        update(Order).where(Order.id == order.id)
        .values(stripe_link=link, updated_at=Order.updated_at)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return link
