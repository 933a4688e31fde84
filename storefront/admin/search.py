"""Finding orders for the admin's list and its CSV export: filters, a search box, keyset pages.

Orders come newest first, ordered by (created_at, id), which is unique, so a page boundary never
skips or repeats an order, and each filter has an index that walks in that order (see the indexes
on models.Order). A page is fetched from a cursor, the order just before it, rather than an
offset: page 2,000 costs what page 1 does.
"""
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import false, func, tuple_
from sqlalchemy.orm import selectinload
from wtforms import DateField, Form, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from storefront.models import TRANSITIONS, Order, OrderLine, Product
from storefront.orders import delivery
from storefront.web.extensions import db
from storefront.web.routing import db_int

PAGE_SIZE = 50
STATUSES = list(TRANSITIONS)
ORDER_NUMBER = re.compile(r"#?(\d{1,18})")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _product_id(value):
    return db_int(value) if value not in (None, "") else None


class OrderFilters(Form):
    """The list's filters, read from the query string: the form is a GET form, so a filtered
    list has a URL of its own, works without JavaScript, and needs no CSRF token."""

    q = StringField("Search", filters=[_strip], validators=[Length(max=254)])
    status = SelectField("Status", default="", choices=[SelectChoice("", "Any status")] + [
        SelectChoice(status, status.replace("_", " ").capitalize()) for status in STATUSES])
    product = SelectField("Product", coerce=_product_id)
    # Paid orders with a line to post that is not all posted yet (delivery.to_ship_condition).
    fulfilment = SelectField("Shipping", default="", choices=[
        SelectChoice("", "Any"), SelectChoice("to_ship", "To ship")])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def __init__(self, args):
        super().__init__(args)
        products = db.session.execute(
            db.select(Product.id, Product.name).order_by(Product.position, Product.id)).all()
        self.product.choices = [SelectChoice("", "Any product"),
                                *(SelectChoice(p.id, p.name) for p in products)]

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")

    def args(self):
        """The filters in use, as query-string arguments (for the pager and the CSV link)."""
        values = {"q": self.q.data, "status": self.status.data, "product": self.product.data,
                  "fulfilment": self.fulfilment.data,
                  "since": self.since.data and self.since.data.isoformat(),
                  "until": self.until.data and self.until.data.isoformat()}
        return {name: value for name, value in values.items() if value}

    def where(self):
        """The SQL conditions these filters make."""
        conditions = []
        if self.status.data:
            conditions.append(Order.status == self.status.data)
        if self.product.data:
            # Any line of the order: a bag's order is found by each of its products.
            conditions.append(Order.items.any(OrderLine.product_id == self.product.data))
        if self.fulfilment.data == "to_ship":
            conditions.append(delivery.to_ship_condition())
        if self.since.data:
            conditions.append(Order.created_at >= datetime.combine(self.since.data, time()))
        if self.until.data:  # the whole day: up to the next day's start
            conditions.append(Order.created_at < datetime.combine(self.until.data, time())
                              + timedelta(days=1))
        if self.q.data:
            conditions.append(search_condition(self.q.data))
        return conditions


# What the list and the CSV show of each order: its lines, and what of them was posted.
_LINES = selectinload(Order.items).selectinload(OrderLine.shipped_in)


def search_condition(text):
    """What the search box means: an order number (#123), a PaymentIntent id (pi_…), an email
    (whole, in any case), or a receipt's id (the end of its URL)."""
    if number := ORDER_NUMBER.fullmatch(text):
        try:
            return Order.id == db_int(number.group(1))
        except ValueError:  # beyond any order number
            return false()
    if text.startswith("pi_"):
        return Order.payment_intent_id == text
    if "@" in text:
        return func.lower(Order.email) == text.lower()
    return Order.public_id == text


@dataclass
class Page:
    orders: list
    newer: int | None  # the cursor for the page before (`before`), if there is one
    older: int | None  # the cursor for the page after (`after`), if there is one


def page(filters, after=None, before=None, size=PAGE_SIZE):
    """One page of the orders that match, newest first: those just older than the order `after`,
    just newer than the order `before`, or the newest."""
    query = db.select(Order).where(*filters.where()).options(_LINES)
    key = tuple_(Order.created_at, Order.id)
    cursor = _cursor(after or before)
    if before and cursor is not None:
        rows = db.session.scalars(
            query.where(key > cursor).order_by(Order.created_at, Order.id).limit(size + 1)).all()
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, newer=rows[0].id if more_newer else None,
                    older=rows[-1].id if rows else None)
    if cursor is not None:
        query = query.where(key < cursor)
    rows = db.session.scalars(
        query.order_by(Order.created_at.desc(), Order.id.desc()).limit(size + 1)).all()
    more_older = len(rows) > size
    rows = rows[:size]
    return Page(rows, newer=rows[0].id if cursor is not None and rows else None,
                older=rows[-1].id if more_older else None)


def batches(filters, size=1000):
    """Every order that matches, newest first, a batch at a time (for the CSV export)."""
    query = db.select(Order).where(*filters.where()).options(_LINES, selectinload(Order.shipments))
    query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(size)
    cursor = None
    while True:
        rows = db.session.scalars(
            query if cursor is None else query.where(tuple_(Order.created_at, Order.id) < cursor)
        ).all()
        if not rows:
            return
        yield rows
        cursor = tuple_(rows[-1].created_at, rows[-1].id)
        db.session.expunge_all()  # a long export keeps only the batch at hand in memory


def _cursor(order_id):
    """The (created_at, id) of the order a page starts from."""
    if order_id is None:
        return None
    created_at = db.session.scalar(db.select(Order.created_at).where(Order.id == order_id))
    return None if created_at is None else tuple_(created_at, order_id)
