"""The order list as CSV, streamed a batch at a time, with the list's filters."""
import csv
import io

from storefront.admin import search
from storefront.catalog.money import to_major_string
from storefront.orders import delivery

COLUMNS = ["order", "receipt_id", "created_at", "paid_at", "status", "products", "email", "currency",
           "total", "refunded", "payment_intent", "ship_to_name", "ship_to_address", "shipping",
           "shipping_rate", "tax", "tax_behavior", "to_ship", "tracking"]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_lines(filters):
    """The CSV file, header first, as chunks of text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def written():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield written()
    for orders in search.batches(filters):
        writer.writerows(_row(order) for order in orders)
        yield written()


def _row(order):
    return [
        order.id,
        order.public_id,
        order.created_at.isoformat(sep=" ", timespec="seconds"),
        order.paid_at.isoformat(sep=" ", timespec="seconds") if order.paid_at else "",
        order.status,
        _cell(order.product_names),
        _cell(order.email),
        order.currency,
        to_major_string(order.total, order.currency),
        to_major_string(order.amount_refunded, order.currency),
        order.payment_intent_id or "",
        _cell(order.shipping_name or ""),
        _cell(_address(order.shipping_address)),
        to_major_string(order.shipping_amount, order.currency),
        _cell(order.shipping_rate or ""),
        to_major_string(order.tax_amount, order.currency),
        order.tax_behavior or "",
        _cell("; ".join(f"{line.product.name} × {count}" for line, count in delivery.to_ship(order))),
        _cell("; ".join(f"{s.carrier_name} {s.tracking_number}" for s in order.shipments)),
    ]


def _address(parts):
    """A Stripe-shaped address on one line: "1 Main St, Apt 2, Springfield, IL 62701, US"."""
    if not parts:
        return ""
    place = " ".join(part for part in (parts.get("state"), parts.get("postal_code")) if part)
    return ", ".join(part for part in (parts.get("line1"), parts.get("line2"), parts.get("city"),
                                       place, parts.get("country")) if part)


def _cell(text):
    """Text typed by people, kept from being run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
