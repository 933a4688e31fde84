"""The tax on a checkout, as the customer sees it and as Pay charges it (docs/tax.md, "Where the
customer sees tax"): the lines of a product's quote or of a bag, the parcel's shipping and the
posted address handed to payments.tax, which asks Stripe Tax (once per new lines, shipping and
address: it remembers its answers).

The price partial (a GET, the same for everyone) never carries an address, so it never has tax:
the address panel posts the address to the tax endpoints (shop.product_tax, bag.tax), and Pay
works the tax out again from what it was sent.
"""
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from storefront.catalog import addresses
from storefront.checkout.address_form import AddressForm
from storefront.payments import tax
from storefront.web.extensions import db


@dataclass(frozen=True)
class Shown:
    """What the price block says of tax: the Tax (None: none yet) or why there is none."""

    tax: "tax.Tax | None" = None
    problem: str = ""

    def context(self):
        return {"tax": self.tax, "tax_problem": self.problem}


def total(quote_total, taxed):
    """What the customer pays: the quote's total, and an exclusive tax on top."""
    return quote_total + (taxed.added if taxed is not None else 0)


def product_lines(product, quote):
    return tax.lines_for(quote, product.tax_code)


def bag_lines(bag_quote):
    """Each bag line's tax lines, named by the line (b0-L1, b1-L1…): one call for the bag. Each
    line as it is paid: with its share of a bank discount (BagQuote.paid_lines)."""
    return tuple(taxed for line in bag_quote.paid_lines()
                 for taxed in tax.lines_for(line.quote, line.product.tax_code, f"b{line.number}-"))


def shipping_amount(shipping):
    return shipping.amount if shipping is not None and not shipping.pending else 0


def quote(currency, lines, shipping, address):
    """payments.tax.quote_tax for a checkout (`address`: Stripe's shape, or None); it raises as
    quote_tax does. The request's read transaction ends first: none stays open while Stripe
    answers."""
    if tax.mode() == "off" or address is None:
        return None
    db.session.commit()
    return tax.quote_tax(currency, lines, shipping_amount(shipping), address)


def shown(currency, lines, shipping, address):
    """The tax for the price block: a problem is said there, never raised."""
    try:
        return Shown(quote(currency, lines, shipping, address))
    except (tax.TaxAddressInvalid, tax.TaxUnavailable) as error:
        return Shown(problem=str(error))


def address_to_tax(form, offered):
    """The posted address in Stripe's shape once it is complete enough to tax (the parcel's
    name is not needed for that), else None; nothing is said about its fields here."""
    fields = MultiDict(form)
    if not (fields.get(addresses.NAME) or "").strip():
        fields[addresses.NAME] = "-"
    address = AddressForm(fields)
    return address.cleaned["address"] if address.check(offered) else None
