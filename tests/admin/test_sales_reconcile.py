"""Every view of the money adds up to the same figures, as a merchant would check them: the sales
view (per day, per product, per way of paying), the order list, the CSV, and Stripe's balance
transactions. The orders are made through the shop against the local Stripe, with its webhooks:
a card paid after three declines on the same order, a bag of two products, a bank debit with
the bank discount, a bank debit the bank returns, and a partial refund of the bag.

The expected figures are worked out by hand from the demo catalog's prices:
- poster $18.00 by card, after three declined cards on the same order, shipped to the US for
  $6.00 ($5.00 + $1.00 an item): $24.00;
- a bag: 2 posters ($36.00) and a T-shirt in L ($26.00), one parcel of three items ($8.00),
  $70.00 by card, then $5.00 refunded;
- poster $18.00 from a bank account, less the catalog's 2% bank discount ($0.36), shipped for
  $6.00: $23.64;
- poster $23.64 from a bank account with too little in it: returned, never paid.
Paid $117.64, refunded $5.00: $112.64. The products' figures are their lines, less the bank
discount (the parcels are the orders'). The $5.00 refund by amount is spread over the bag's
lines in proportion to them: $2.90 of the posters' $36.00 and $2.10 of the T-shirt's $26.00
(500 × 3600 / 6200 = 290.3, 500 × 2600 / 6200 = 209.7; the odd cent to the larger remainder,
the T-shirt's). Stripe's fees: 2.9 % + 30¢ per card payment, $1.00 and $2.33; 0.8 % of each
debit, $0.19; the returned debit's $0.19 given back and $4.00 taken for the failure. Paid in
all: $7.52. Saved by the bank: a card would have cost $0.99 for $23.64 (68.6¢ + 30¢), the bank
took $0.19: $0.80.
"""
import csv
import io
import re
from datetime import timedelta

import requests

from storefront.admin.reports import StripeFees, sales_report, stripe_fees
from storefront.models import Order, Product, utcnow
from storefront.web.extensions import db
from tests.admin.helpers import refund_form
from tests.checkout.test_bag import add, bag_page
from tests.emulator.bank import INSUFFICIENT_FUNDS, SUCCEEDS, debit_confirmed
from tests.helpers import bag_form, card, open_checkout, pay
from tests.waiting import wait_for

POSTER = "city-lights-poster"
DECLINED = "4000000000000002"


def status_of(app, order_id):
    with app.app_context():
        return db.session.get(Order, order_id).status


def make_the_orders(app, client, stripe_client, local_stripe):
    """The four orders, each paid (or not) as a customer would; their public ids."""
    page = open_checkout(client, POSTER)
    for _ in range(3):
        assert pay(client, POSTER, page, card(stripe_client, DECLINED)).json["next"] == "retry"
    carded = pay(client, POSTER, page, card(stripe_client)).json
    assert carded["next"] == "receipt", carded

    add(client, POSTER, quantity="2")
    add(client, "organic-tee", **{"option-size": "l"})
    bagged = client.post("/bag/pay", data=bag_form(bag_page(client), client) | {
        "email": "bea@example.com", "payment_method": card(stripe_client)}).json
    assert bagged["next"] == "receipt", bagged

    page = open_checkout(client, POSTER, method="us_bank_account")
    banked = pay(client, POSTER, page, "", method="us_bank_account").json
    debit_confirmed(stripe_client, banked["client_secret"].split("_secret_")[0], SUCCEEDS)
    assert client.post(banked["confirm_url"], data={"csrf_token": page["csrf_token"]}).json["next"] \
        == "receipt"

    page = open_checkout(client, POSTER, method="us_bank_account")
    page["checkout_token"] = "another-checkout-page-token"  # a second customer's page
    bounced = pay(client, POSTER, page, "", method="us_bank_account").json
    debit_confirmed(stripe_client, bounced["client_secret"].split("_secret_")[0], INSUFFICIENT_FUNDS)
    assert client.post(bounced["confirm_url"], data={"csrf_token": page["csrf_token"]}).json["next"] \
        == "receipt"
    requests.post(f"{local_stripe.url}/_emulator/clock/advance", json={"days": 6}).raise_for_status()
    return carded["order"], bagged["order"], banked["order"], bounced["order"]


def test_the_sales_view_the_list_the_csv_and_stripe_agree(fresh_local_stripe, app, shop, admin_client,
                                                         stripe_client, local_stripe):
    public_ids = make_the_orders(app, admin_client, stripe_client, local_stripe)
    with app.app_context():
        ids = {public_id: db.session.scalar(db.select(Order.id).filter_by(public_id=public_id))
               for public_id in public_ids}
    carded, bagged, banked, bounced = (ids[public_id] for public_id in public_ids)
    wait_for(lambda: status_of(app, banked) == "paid", "the debit's webhook")
    wait_for(lambda: status_of(app, bounced) == "failed", "the returned debit's webhook")
    refund = admin_client.post(f"/admin/orders/{bagged}/refunds", data={
        **refund_form(admin_client, bagged), "amount": "5.00", "reason": "requested_by_customer"})
    assert refund.status_code == 200
    wait_for(lambda: status_of(app, bagged) == "partially_refunded", "the refund's webhook")

    with app.app_context():
        report = sales_report(30)
    assert sum(report.revenue["USD"]) == 11264                   # per day, over the period
    assert (report.orders, report.paid) == (4, 3)                # declines are not orders
    assert [(p.name, p.orders, p.paid, p.refunded, p.revenue) for p in report.products] == [
        ("City Lights poster", 3, 7164, 290, 6874),
        ("Organic cotton T-shirt", 1, 2600, 210, 2390),
    ]
    assert [(m.method, m.orders, m.paid, m.refunded, m.fees) for m in report.methods] == [
        ("Card", 2, 9400, 500, 333),
        ("US bank account", 1, 2364, 0, 19),
    ]
    # Stripe's own figures: the returned debit's balance transactions are dated by the local
    # Stripe's clock, six days on, so the window reaches that far.
    with app.app_context(), app.test_request_context():
        fees = stripe_fees(utcnow() - timedelta(days=1), utcnow() + timedelta(days=8))
    assert fees == [StripeFees("USD", total=752, cards=333, bank=19, failures=400, bounced=1,
                               saved=80)]
    assert fees[0].total == fees[0].cards + fees[0].bank + fees[0].failures
    page = admin_client.get("/admin/sales").get_data(as_text=True)
    assert re.search(r"<th scope=\"row\">USD</th><td class=\"num\" data-fees-paid>\$[0-9.]+</td>\s*"
                     r"<td class=\"num\">\$3\.33</td>", page)

    listed = admin_client.get("/admin/orders?status=").get_data(as_text=True)
    bag_row = re.search(rf'<tr data-order-id="{bagged}">.*?</tr>', listed, re.S).group(0)
    assert "City Lights poster, Organic cotton T-shirt" in bag_row and "$70.00" in bag_row
    with app.app_context():
        poster_id = db.session.scalar(db.select(Product.id).filter_by(slug=POSTER))
    by_poster = admin_client.get(f"/admin/orders?product={poster_id}").get_data(as_text=True)
    assert {int(i) for i in re.findall(r'data-order-id="(\d+)"', by_poster)} == {carded, bagged, banked, bounced}

    rows = list(csv.DictReader(io.StringIO(
        admin_client.get("/admin/orders.csv").get_data(as_text=True))))
    assert sorted((int(r["order"]), r["products"], r["total"], r["refunded"]) for r in rows) == [
        (carded, "City Lights poster", "24.00", "0.00"),
        (bagged, "City Lights poster, Organic cotton T-shirt", "70.00", "5.00"),
        (banked, "City Lights poster", "23.64", "0.00"),
        (bounced, "City Lights poster", "23.64", "0.00"),
    ]

    # What Stripe moved for these orders: each payment's charge and each refund.
    with app.app_context():
        intents = [db.session.get(Order, i).payment_intent_id for i in (carded, bagged, banked, bounced)]
    sources = [stripe_client.payment_intents.retrieve(i).latest_charge for i in intents]
    sources += [r.id for r in stripe_client.refunds.list({"payment_intent": intents[1]}).data]
    money = [(t.type, t.amount, t.fee) for source in sources
             for t in stripe_client.balance_transactions.list({"source": source}).data]
    assert sorted(money) == sorted([("charge", 2400, 100), ("charge", 7000, 233),
                                    ("payment", 2364, 19), ("payment", 2364, 19),
                                    ("payment_failure_refund", -2364, 381), ("refund", -500, 0)])
