"""The order list as CSV, streamed a batch at a time, with the list's filters."""
import csv
import io

from storefront.admin import search
from storefront.catalog.money import to_major_string

COLUMNS = ["order", "receipt_id", "created_at", "paid_at", "status", "products", "email", "currency",
           "total", "refunded", "payment_intent"]
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
    ]


def _cell(text):
    """Text typed by people, kept from being run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
