"""Stripe Tax in the shop (storefront/payments/tax.py), against the local Stripe: the tax is
quoted before paying (no Stripe call without an address, one per new lines or address after),
recorded once the order is paid, and reversed when it is refunded."""
import re

import pytest
import requests

from storefront.catalog import pricing
from storefront.checkout.pay import selection_key
from storefront.models import AdminUser, Order, Product
from storefront.payments import refunds, tax
from storefront.web.extensions import db
from tests.helpers import card, open_checkout, pay

SLUG = "city-lights-poster"  # $18.00, a tangible good
SEATTLE = {"line1": "920 5th Ave", "city": "Seattle", "state": "WA", "postal_code": "98104",
           "country": "US"}
PORTLAND = {"line1": "1 SW Main St", "city": "Portland", "state": "OR", "postal_code": "97201",
            "country": "US"}


@pytest.fixture
def app_config():
    return {"TAX_MODE": "exclusive"}


def calculations(stripe_requests):
    return stripe_requests(method="POST", path="/v1/tax/calculations")


def poster_quote(quantity=1):
    product = db.session.scalar(db.select(Product).filter_by(slug=SLUG))
    return product, pricing.quote(product, pricing.Selection(quantity=quantity))


def test_the_tax_is_quoted_before_paying_and_remembered(app, stripe_requests):
    with app.test_request_context():
        product, quote = poster_quote(2)
        lines = tax.lines_for(quote, product.tax_code)
        assert lines == (tax.TaxLine("L1", 3600, 2, "txcd_99999999"),)
        # No address yet: no tax, and Stripe is not asked.
        assert tax.quote_tax("USD", lines, 500, None) is None
        assert calculations(stripe_requests) == []

        quoted = tax.quote_tax("USD", lines, 500, SEATTLE)
        # 6.5 % of $36.00 is $2.34, of the $5.00 shipping $0.325 → $0.33.
        assert (quoted.amount, quoted.behavior, quoted.added) == (267, "exclusive", 267)
        assert quoted.rates == (tax.TaxRate("WA sales tax 6.5 %", 267),)
        assert quoted.calculation_id.startswith("taxcalc_")
        assert len(calculations(stripe_requests)) == 1

        # The same lines and address again (a price change undone, the page reloaded): no call.
        assert tax.quote_tax("USD", lines, 500, dict(SEATTLE)) == quoted
        assert len(calculations(stripe_requests)) == 1
        # Another address, then back: one call for the new one only.
        elsewhere = tax.quote_tax("USD", lines, 500, PORTLAND)
        assert (elsewhere.amount, elsewhere.rates) == (0, ())  # not registered in Oregon
        assert tax.quote_tax("USD", lines, 500, SEATTLE) == quoted
        assert len(calculations(stripe_requests)) == 2
        # Another amount to tax: one call.
        assert tax.quote_tax("USD", lines, 0, SEATTLE).amount == 234
        assert len(calculations(stripe_requests)) == 3


def test_an_address_stripe_tax_cannot_place_is_the_customers_to_fix(app):
    with app.test_request_context():
        product, quote = poster_quote()
        with pytest.raises(tax.TaxAddressInvalid, match="Check the postal code"):
            tax.quote_tax("USD", tax.lines_for(quote, product.tax_code), 0,
                          {"state": "WA", "country": "US"})


def test_inclusive_prices_show_the_tax_they_include(make_app, stripe_requests):
    app = make_app(TAX_MODE="inclusive")
    with app.test_request_context():
        product, quote = poster_quote()
        quoted = tax.quote_tax("USD", tax.lines_for(quote, product.tax_code), 0,
                               {"country": "IE", "city": "Dublin"})
        # 23 % inside $18.00: 18.00 × 23 / 123 = 3.3658… → $3.37; the total stays $18.00.
        assert (quoted.amount, quoted.added, quoted.rates) == (
            337, 0, (tax.TaxRate("IE VAT 23 %", 337),))


def test_off_asks_stripe_nothing(make_app, stripe_requests):
    app = make_app(TAX_MODE="off")
    with app.test_request_context():
        product, quote = poster_quote()
        assert tax.quote_tax("USD", tax.lines_for(quote, product.tax_code), 0, SEATTLE) is None
    assert stripe_requests() == []


def taxed_page(client, address):
    """The poster's checkout fields shipped to `address` (Stripe's shape), with the total the page
    shows once its tax is known (the address panel's post to the tax endpoint)."""
    fields = {"ship_name": "Ada Lovelace", **{f"ship_{name}": value for name, value in address.items()}}
    page = open_checkout(client, SLUG, fields)
    shown = client.post(f"/p/{SLUG}/tax", data=page).get_data(as_text=True)
    page["expected_total"] = re.search(r'name="expected_total" value="(\d+)"', shown)[1]
    return page


def pay_with_tax(app, client, stripe_client, address):
    """Pay for a poster shipped to `address` (Stripe's shape) as a customer does: the tax shown
    for the address (the tax endpoint), then Pay with that total; the paid order."""
    page = taxed_page(client, address)
    answer = pay(client, SLUG, page, card(stripe_client))
    assert answer.json["next"] == "receipt", answer.json
    with app.app_context():
        return db.session.scalar(db.select(Order))


def test_the_tax_is_charged_and_recorded_once_paid(app, client, stripe_client, stripe_requests):
    order = pay_with_tax(app, client, stripe_client, SEATTLE)
    # 6.5 % of the $18.00 poster and of the $6.00 shipping: $1.17 + $0.39.
    assert (order.status, order.tax_amount, order.total) == ("paid", 156, 1800 + 600 + 156)
    intent = stripe_client.payment_intents.retrieve(order.payment_intent_id)
    assert intent.amount == 2556  # the customer paid the tax
    sale = stripe_client.tax.transactions.retrieve(order.tax_transaction_id,
                                                   {"expand": ["line_items"]})
    assert (sale.type, sale.reference) == ("transaction", f"order-{order.public_id}")
    assert [(line.amount, line.amount_tax) for line in sale.line_items.data] == [(1800, 117)]
    assert (sale.shipping_cost.amount, sale.shipping_cost.amount_tax) == (600, 39)
    [recorded] = stripe_requests(method="POST", path="/v1/tax/transactions/create_from_calculation")
    assert recorded["idempotency_key"] == f"order-{order.public_id}-tax"

    # Stripe reports the payment again (its webhook, reconcile): nothing is recorded twice.
    with app.app_context():
        from storefront.payments.settlement import fulfil
        fulfil(db.session.get(Order, order.id))
    assert len(stripe_requests(path="/v1/tax/transactions/create_from_calculation")) == 1


@pytest.fixture
def admin(app):
    with app.app_context():
        made = AdminUser(email="owner@example.com", password_hash="-", failed_logins=0)
        db.session.add(made)
        db.session.commit()
        return made.id


def reversals(stripe_client, stripe_requests):
    return [stripe_client.tax.transactions.retrieve(entry["object_id"], {"expand": ["line_items"]})
            for entry in stripe_requests(method="POST", path="/v1/tax/transactions/create_reversal")
            if entry["status"] == 200]


def test_a_full_refund_reverses_all_the_tax(app, client, stripe_client, stripe_requests, admin):
    order = pay_with_tax(app, client, stripe_client, SEATTLE)
    with app.app_context():
        order = db.session.get(Order, order.id)
        made = refunds.refund(order, "request-0000000001", None, db.session.get(AdminUser, admin))
        assert made.tax_reversal_id.startswith("tax_")
        # The same form again: the refund it made, and no second reversal.
        refunds.refund(order, "request-0000000001", None, db.session.get(AdminUser, admin))
        sale, public_id = order.tax_transaction_id, order.public_id
    [reversal] = reversals(stripe_client, stripe_requests)
    assert (reversal.type, reversal.reversal.original_transaction, reversal.reference) == (
        "reversal", sale, f"order-{public_id}-refund-request-0000000001")
    assert [(line.amount, line.amount_tax) for line in reversal.line_items.data] == [(-1800, -117)]
    assert (reversal.shipping_cost.amount, reversal.shipping_cost.amount_tax) == (-600, -39)


def test_partial_refunds_reverse_their_part_of_the_tax(
        app, client, stripe_client, stripe_requests, admin):
    order = pay_with_tax(app, client, stripe_client, SEATTLE)  # $25.56, $1.56 of it tax
    with app.app_context():
        order, who = db.session.get(Order, order.id), db.session.get(AdminUser, admin)
        refunds.refund(order, "request-0000000001", 1000, who)
        refunds.refund(order, "request-0000000002", None, who)  # the rest, $15.56
    first, rest = reversals(stripe_client, stripe_requests)
    # $10.00 of $25.56: Stripe spreads it over the poster ($19.17 with its tax) and the shipping
    # ($6.39): $7.50 of the poster, $7.04 and $0.46 tax.
    assert [(line.amount, line.amount_tax) for line in first.line_items.data] == [(-704, -46)]
    assert [(line.amount, line.amount_tax) for line in rest.line_items.data] == [(-1096, -71)]
    # Together they give back exactly the sale: $18.00 and $6.00 shipping, and their $1.56 tax.
    assert sum(line.amount_tax for r in (first, rest) for line in r.line_items.data) == -117
    assert sum(r.shipping_cost.amount_tax for r in (first, rest)) == -39


@pytest.mark.usefixtures("fresh_local_stripe")
def test_an_expired_calculation_is_flagged_and_the_order_still_fulfilled(
        app, client, stripe_client, local_stripe, outbox):
    page = taxed_page(client, SEATTLE)
    # 90 days later by Stripe's clock, the calculation can no longer be recorded.
    requests.post(f"{local_stripe.url}/_emulator/clock/advance", json={"days": 90}).raise_for_status()
    try:
        assert pay(client, SLUG, page, card(stripe_client)).json["next"] == "receipt"
        with app.app_context():
            order = db.session.scalar(db.select(Order))
            assert order.status == "paid" and order.fulfilled_at is not None
            assert order.tax_transaction_id is None
            assert order.needs_look.startswith("Stripe Tax did not record this order's tax")
            assert "expired" in order.needs_look
        assert [mail["To"] for mail in outbox] == ["ada@example.com"]  # the receipt went out
    finally:
        requests.post(f"{local_stripe.url}/_emulator/reset").raise_for_status()


def test_stripe_calls_per_order_with_and_without_tax(make_app, stripe_client, stripe_requests):
    """The figures docs/tax.md gives: the calls the shop makes for one paid order, tax off and
    on (the card's PaymentMethod, which Stripe.js makes in the browser, is not counted)."""
    calls = {}
    for mode in ("off", "exclusive"):
        app = make_app(TAX_MODE=mode)
        start = len(stripe_requests())
        pay_with_tax(app, app.test_client(), stripe_client, SEATTLE)
        calls[mode] = [f"{entry['method']} {entry['path']}" for entry in stripe_requests()[start:]
                       if entry["path"] != "/v1/payment_methods"]
        with app.app_context():
            db.drop_all()
    print(f"\nStripe calls per order: tax off {len(calls['off'])} {calls['off']}; "
          f"tax on {len(calls['exclusive'])} {calls['exclusive']}")
    assert calls["off"] == ["POST /v1/payment_intents"]
    assert calls["exclusive"] == ["POST /v1/tax/calculations", "POST /v1/payment_intents",
                                  "POST /v1/tax/transactions/create_from_calculation"]
