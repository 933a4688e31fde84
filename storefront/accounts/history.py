"""What the account page lists: the orders placed while signed in, and the paid orders sent to
the address the customer proved is theirs by following a link (their guest orders, before the
account or beside it). Each with its receipt and a way to buy the same again, priced anew."""
from flask import url_for
from sqlalchemy import func, or_

from storefront.catalog import addresses
from storefront.models import Order
from storefront.web.extensions import db

# Orders that are a purchase: not checkouts left unpaid.
BOUGHT = ("paid", "partially_refunded", "refunded", "processing", "requires_action")
PAID = ("paid", "partially_refunded", "refunded")
SHOWN = 50


def _theirs(account):
    return or_(
        Order.account_id == account.id,
        (func.lower(Order.email) == account.email) & Order.status.in_(PAID))


def orders(account):
    """The account's orders, newest first (the latest SHOWN)."""
    return db.session.scalars(
        db.select(Order).where(_theirs(account), Order.status.in_(BOUGHT))
        .order_by(Order.created_at.desc(), Order.id.desc()).limit(SHOWN)).all()


def order(account, public_id):
    """One of the account's orders, or None."""
    return db.session.scalar(db.select(Order).where(Order.public_id == public_id, _theirs(account)))


def again_url(order):
    """A one-product order's "buy again": its product page with the same selection and, for a
    parcel, the same country, which the page prices again, shipping included (GET, so it works
    as a plain link; never the street address, which a URL would leak); None for a bag's order,
    which is put back in the bag by a form (checkout/bag.py)."""
    if len(order.items) != 1:
        return None
    line = order.items[0]
    shipped_to = (order.shipping_address or {}).get("country")
    return url_for("shop.product", slug=line.product.slug, **line.selection,
                   **({addresses.COUNTRY: shipped_to} if shipped_to else {}))
