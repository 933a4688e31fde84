"""Stripe Tax for the shop: the tax on a checkout at an address, recorded once the order is paid
and given back in part or in full when it is refunded (docs/tax.md).

TAX_MODE decides: "off" (no tax, no Stripe call), "exclusive" (prices are before tax: the tax is
added to the total) or "inclusive" (prices include tax: the total stays, and says how much tax
it includes).

The checkout's entry point is `quote_tax(currency, lines, shipping_amount, address)`:
- `lines`: TaxLine values, `lines_for(quote, product.tax_code)` for a product's quote (a bag:
  one call per bag line, each with its own `prefix`), the tip left out (no tax on a tip);
- `address`: the shipping address in Stripe's shape ({line1, line2, city, state, postal_code,
  country}), or None while the customer has given none: then it is None, with no Stripe call.
It answers a Tax (amount, behavior, calculation_id, a label per rate), or None when tax is off;
it raises TaxAddressInvalid (a message for the customer) when Stripe Tax cannot place the
address, TaxUnavailable when Stripe could not be asked. Each answer is remembered in the process
by (mode, currency, lines, shipping, address), a bounded LRU (TAX_MEMO_SIZE, TAX_MEMO_SECONDS):
a price change that comes back to lines already quoted asks Stripe nothing.

`apply(order, tax)` puts a Tax on an order as it is made (its total grows by an exclusive tax).
Once it is paid, settlement.fulfil calls `record_sale`; refunds.py calls `reverse_for_refund`.
"""
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import stripe
from flask import current_app
from sqlalchemy import update

from storefront.catalog import pricing
from storefront.catalog.products import GENERAL_GOODS_TAX_CODE
from storefront.models import Order
from storefront.payments import gateway
from storefront.web.extensions import db

log = logging.getLogger(__name__)

EXTENSION = "tax_quotes"
ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")
ADDRESS_INVALID = ("We could not work out the tax for this address. Check the postal code and "
                   "the state or province.")
UNAVAILABLE = "The tax could not be worked out just now. Try again in a moment."
# How the order's history names what Stripe Tax reported.
SOURCE = "stripe tax"
_TAX_TYPES = {"sales_tax": "sales tax", "vat": "VAT", "gst": "GST", "hst": "HST", "pst": "PST",
              "qst": "QST"}


@dataclass(frozen=True)
class TaxLine:
    """One line as Stripe Tax sees it: its whole amount (minor units, zero or more)."""

    reference: str
    amount: int
    quantity: int = 1
    tax_code: str = GENERAL_GOODS_TAX_CODE


@dataclass(frozen=True)
class TaxRate:
    label: str   # "WA sales tax 6.5 %", "IE VAT 23 %"
    amount: int  # minor units


@dataclass(frozen=True)
class Tax:
    amount: int
    behavior: str  # "exclusive" | "inclusive"
    calculation_id: str
    rates: tuple[TaxRate, ...]

    @property
    def added(self) -> int:
        """What the tax adds to the total: all of it when prices are before tax, else nothing."""
        return self.amount if self.behavior == "exclusive" else 0


class TaxAddressInvalid(Exception):
    """Stripe Tax cannot place the address; str() is for the customer."""


class TaxUnavailable(Exception):
    """Stripe could not be asked (or refused the request); str() is for the customer."""


def mode():
    return current_app.config["TAX_MODE"]


def lines_for(quote: pricing.Quote, tax_code: str | None, prefix: str = "") -> tuple[TaxLine, ...]:
    """A product's quote as tax lines: what is paid for its goods, without the tip. Stripe Tax
    takes no negative line, so a volume discount is folded into its line and a bank discount
    shared over the lines by their amounts (pricing.spread): tax on what the customer pays, not
    on the list price. References: `prefix` + L1, L2…"""
    # Shipping is taxed as Stripe's own shipping cost, not as a line.
    untipped = replace(quote, tip=0, total=quote.subtotal, shipping=None, discount=None)
    items = pricing.itemised(untipped)
    off = pricing.spread(-quote.discount.amount if quote.discount else 0,
                         [item.amount for item in items])
    return tuple(TaxLine(f"{prefix}L{number}", item.amount - share, item.quantity,
                         tax_code or GENERAL_GOODS_TAX_CODE)
                 for number, (item, share) in enumerate(zip(items, off), 1))


def quote_tax(currency, lines, shipping_amount, address):
    """The tax on `lines` and `shipping_amount` shipped to `address` (module docstring)."""
    behavior = mode()
    if behavior == "off" or address is None:
        return None
    key = (behavior, currency.lower(), tuple(lines), shipping_amount, _address_key(address))
    memo = _memo()
    found = memo.get(key)
    if found is not None:
        return found
    params = gateway.tax_calculation_request(currency, lines, shipping_amount, address, behavior)
    try:
        calculation = gateway.calculate_tax(params)
    except stripe.InvalidRequestError as error:
        if error.code == "customer_tax_location_invalid":
            raise TaxAddressInvalid(ADDRESS_INVALID) from error
        log.error("Stripe Tax refused a calculation: %s", error)
        raise TaxUnavailable(UNAVAILABLE) from error
    except stripe.StripeError as error:
        log.warning("Stripe Tax could not be asked: %s", type(error).__name__)
        raise TaxUnavailable(UNAVAILABLE) from error
    tax = _from_calculation(calculation, behavior)
    memo.put(key, tax)
    return tax


def apply(order, tax):
    """Put `tax` (a Tax, or None: no tax) on an order being made: its amount, behaviour and
    calculation, and a total that includes an exclusive tax. Applying again replaces it."""
    before = order.tax_amount if order.tax_behavior == "exclusive" else 0
    order.total = order.total - before + (tax.added if tax else 0)
    order.tax_amount = tax.amount if tax else 0
    order.tax_behavior = tax.behavior if tax else None
    order.tax_calculation_id = tax.calculation_id if tax else None


def record_sale(order_id, public_id, calculation_id):
    """Record a paid order's tax with Stripe Tax (its calculation becomes a transaction) and keep
    the transaction's id on the order; the transaction id, or None when it was not recorded.

    Call with no transaction open. One key per order: whoever reports the payment again (the
    webhook, reconcile) asks again with it when an answer was lost. When Stripe refuses (the
    calculation expired, 90 days after it was made), the order is flagged for a look, and the
    payment and its fulfilment stand."""
    reference = f"order-{public_id}"
    try:
        transaction = gateway.record_tax(calculation_id, reference, f"{reference}-tax")
    except stripe.StripeError as error:
        if gateway.classify(error) == "refused":
            _flag(db.session.get(Order, order_id), "Stripe Tax did not record this order's tax "
                  f"({_message(error)}). Record it in the Stripe dashboard.")
        else:
            log.warning("Order %s: its tax was not recorded yet: %s", order_id,
                        type(error).__name__)
        return None
    db.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.tax_transaction_id.is_(None))
        .values(tax_transaction_id=transaction.id, updated_at=Order.updated_at)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return transaction.id


def reverse_for_refund(refund):
    """Give back the tax of an accepted refund, once per refund (its own key and reference):
    all of the sale's tax when the refund is the whole order at once ("full"), else the part of
    the sale the refund is ("partial", a flat amount spread by Stripe over the lines and
    shipping). The part is counted from the charge's refunded amount before and after the
    refund, rounded each time, so partial refunds that add up to the order add up to the sale.
    Returns the reversal's id, or None (no tax recorded, or not reversed: logged or flagged)."""
    order = refund.order
    if order.tax_transaction_id is None or refund.tax_reversal_id is not None \
            or refund.status != "accepted":
        return None
    covered = order.total - order.tip  # the sale Stripe Tax recorded: no tip in it
    after = refund.charge_refunded_after
    before = after - refund.amount
    flat = None
    if not (before == 0 and refund.amount >= order.total):
        flat = _part(after, covered, order.total) - _part(before, covered, order.total)
        if flat <= 0:
            return None  # a refund of the tip alone: no tax in it
    reference = f"order-{order.public_id}-refund-{refund.request_id}"
    transaction_id, key = order.tax_transaction_id, f"{refund.idempotency_key}-tax"
    db.session.commit()  # no transaction open while Stripe answers
    try:
        reversal = gateway.reverse_tax(transaction_id, reference, key, flat)
    except stripe.StripeError as error:
        if gateway.classify(error) == "refused":
            _flag(order, f"Stripe Tax did not reverse the tax of refund {refund.id} "
                  f"({_message(error)}). Record the reversal in the Stripe dashboard.")
        else:
            log.warning("Refund %s: its tax was not reversed yet: %s", refund.id,
                        type(error).__name__)
        return None
    refund.tax_reversal_id = reversal.id
    db.session.commit()
    return reversal.id


def _part(refunded, covered, total):
    return int((Decimal(min(refunded, total)) * covered / total)
               .quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _flag(order, reason):
    if order.needs_look != reason:
        order.flag(reason, SOURCE)
        db.session.commit()


def _message(error):
    details = getattr(error, "error", None)
    return (details.message if details is not None and details.message else str(error)).rstrip(".")


def _address_key(address):
    return tuple((address.get(name) or "").strip().upper() for name in ADDRESS_FIELDS)


def _from_calculation(calculation, behavior):
    amount = calculation.tax_amount_exclusive if behavior == "exclusive" \
        else calculation.tax_amount_inclusive
    rates: dict[str, int] = {}
    for entry in calculation.tax_breakdown:
        if entry.taxability_reason in ("not_collecting", "product_exempt") and not entry.amount:
            continue
        details = entry.tax_rate_details
        label = " ".join((details.state or details.country or "",
                          _TAX_TYPES.get(details.tax_type, details.tax_type.replace("_", " ")),
                          f"{_percent(details.percentage_decimal)} %")).strip()
        rates[label] = rates.get(label, 0) + entry.amount
    return Tax(amount, behavior, calculation.id,
               tuple(TaxRate(label, part) for label, part in rates.items()))


def _percent(text):
    """"7.25" → "7.25", "19.0" → "19"."""
    return format(Decimal(text).normalize(), "f")


class _Memo:
    """A bounded LRU of answers, each forgotten after `seconds`; shared by a process's threads."""

    def __init__(self, size, seconds):
        self.size, self.seconds = size, seconds
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key, value):
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _memo():
    """The app's memo (per app: a test's app and its local Stripe share no calculation ids)."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        extensions.setdefault(EXTENSION, _Memo(current_app.config["TAX_MEMO_SIZE"],
                                               current_app.config["TAX_MEMO_SECONDS"]))
    return extensions[EXTENSION]
