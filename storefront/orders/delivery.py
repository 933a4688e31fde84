"""What each line of an order brings the customer once paid: a parcel (how many are left to
ship), files to download, or a ticket to an event's session (its calendar file).

Refunds and shipments coexist: a refund never undoes a shipment on record (a parcel sent is
sent), and a line refunded in full is no longer to ship nor to download; a line refunded in
part still is (a part refund is a discount or a goodwill gesture, not a return).
"""
from datetime import timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import Integer, and_, cast, func, select

from storefront.catalog.products import DownloadSpec, EventSpec
from storefront.models import Order, OrderLine, Product, ShipmentLine
from storefront.orders import calendar

# The orders whose goods are the customer's: paid, perhaps refunded in part.
FULFILLED = ("paid", "partially_refunded")


def is_fulfilled(order):
    return order.status in FULFILLED


def _refunded_in_full(line):
    return line.amount > 0 and line.refunded >= line.amount


def shipped(line):
    return sum(item.quantity for item in line.shipped_in)


def left_to_ship(line):
    """How many of the line are still to post: none for a line that does not ship or was
    refunded in full."""
    if not line.product.ships or _refunded_in_full(line):
        return 0
    return max(line.quantity - shipped(line), 0)


def to_ship(order):
    """[(line, how many are left to ship)] for the order's lines with some left, if it is paid."""
    if not is_fulfilled(order):
        return []
    return [(line, left) for line in order.items if (left := left_to_ship(line))]


def to_ship_condition():
    """SQL: the order is paid and has a line to post that is neither refunded in full nor posted
    in full (the admin's "to ship" filter; to_ship says the same of a loaded order)."""
    posted = (select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
              .where(ShipmentLine.order_line_id == OrderLine.id).scalar_subquery())
    quantity = func.coalesce(cast(OrderLine.selection["quantity"].as_string(), Integer), 1)
    return and_(Order.status.in_(FULFILLED), Order.items.any(and_(
        OrderLine.product.has(Product.ships),
        ~and_(OrderLine.amount > 0, OrderLine.refunded >= OrderLine.amount),
        posted < quantity)))


def files(line):
    """The names of the files the line's buyer downloads (the catalog's, by their choice)."""
    if not line.product.download:
        return ()
    spec = DownloadSpec.from_dict(line.product.download)
    return spec.files_for(line.selection.get(f"option-{spec.option}") if spec.option else None)


def may_download(order, line):
    return is_fulfilled(order) and not _refunded_in_full(line) and bool(files(line))


def session(line):
    """(the event, its session for this ticket), or None for a line that is not a ticket."""
    if not line.product.event:
        return None
    event = EventSpec.from_dict(line.product.event)
    chosen = event.session(line.selection.get(f"option-{event.option}"))
    return (event, chosen) if chosen else None


def local_times(event, chosen):
    """The session's start and end as aware date-times in the event's time zone."""
    zone = ZoneInfo(event.timezone)
    return chosen.start.replace(tzinfo=zone), chosen.end.replace(tzinfo=zone)


def ticket_calendar(order, line):
    """The .ics file of the line's session (the receipt page and the receipt email give it)."""
    event, chosen = session(line)
    start, end = local_times(event, chosen)
    label = next((choice["label"] for group in line.product.rules_data["options"]
                  if group["key"] == event.option for choice in group["choices"]
                  if choice["key"] == chosen.choice), chosen.choice)
    receipt = url_for("orders.receipt", public_id=order.public_id, _external=True)
    return calendar.event(
        # One UID per ticket line: a calendar that imports it twice keeps one event.
        uid=f"{order.public_id}-{line.id}@{urlsplit(current_app.config['SHOP_URL']).hostname}",
        stamp=(order.paid_at or order.created_at).replace(tzinfo=timezone.utc),
        start=start, end=end, summary=f"{line.product.name}: {label}",
        location=event.location,
        description=f"Order #{order.id} at {current_app.config['SHOP_NAME']}. Your receipt: {receipt}",
        url=receipt)


def ticket_file_name(line):
    return f"{line.product.slug}.ics"
