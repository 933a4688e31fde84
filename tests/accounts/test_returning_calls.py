"""Stripe calls per order, from the local Stripe's request log: a guest paying by a new card, a
returning customer paying with a saved card, and with a saved (verified) bank account. The shop's
calls (secret key) for the checkout page, the Pay press and the receipt; printed for the closing
note (`pytest -s`), and held to the budgets of issue 25 (the Pay press: one call)."""
from storefront.accounts import customers
from storefront.models import Account
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.helpers import US_ADDRESS, card, hidden_fields

CARD_SLUG, BANK_SLUG = "organic-tee", "city-lights-poster"


def customer(app, email="ada@example.com"):
    with app.app_context():
        return customers.stripe_customer_id(db.session.scalar(db.select(Account).filter_by(email=email)))


def saved_bank(stripe_client, customer_id):
    """A bank account typed in, its microdeposits verified: saved with an active mandate."""
    intent = stripe_client.setup_intents.create({
        "customer": customer_id, "allowed_payment_method_types": ["us_bank_account"], "confirm": True,
        "payment_method_data": {"type": "us_bank_account", "billing_details": {"name": "Jenny Rosen"},
                                "us_bank_account": {"routing_number": "110000000",
                                                    "account_number": "000123456789",
                                                    "account_holder_type": "individual"}},
        "mandate_data": {"customer_acceptance": {"type": "online", "online": {
            "ip_address": "127.0.0.1", "user_agent": "test"}}},
    })
    intent = stripe_client.setup_intents.verify_microdeposits(intent.id, {"amounts": [32, 45]})
    assert intent.status == "succeeded"
    return intent.payment_method


def order_calls(client, stripe_requests, slug, **fields):
    """The shop's Stripe calls for one order: the page, Pay, the receipt."""
    before = len(stripe_requests(key_kind="secret"))
    shown_for = {"ship_country": "US", **({"method": fields["method"]} if "method" in fields else {})}
    html = client.get(f"/p/{slug}", query_string=shown_for).get_data(as_text=True)
    page = {**hidden_fields(html), **(US_ADDRESS if 'name="ship_country"' in html else {})}
    counts = [len(stripe_requests(key_kind="secret")) - before]
    answer = client.post(f"/p/{slug}/pay", data={**page, "email": "ada@example.com", **fields})
    assert answer.json["next"] == "receipt", answer.json
    counts.append(len(stripe_requests(key_kind="secret")) - before - sum(counts))
    assert client.get(answer.json["url"]).status_code == 200
    counts.append(len(stripe_requests(key_kind="secret")) - before - sum(counts))
    return counts


def test_stripe_calls_per_order(app, client, outbox, stripe_client, stripe_requests):
    guest_card = card(stripe_client)  # the browser's one call (Stripe.js, publishable key)
    guest = order_calls(app.test_client(), stripe_requests, CARD_SLUG, payment_method=guest_card)

    sign_in(client, outbox)
    customer_id = customer(app)
    saved = stripe_client.payment_methods.attach(card(stripe_client), {"customer": customer_id}).id
    returning_card = order_calls(client, stripe_requests, CARD_SLUG, saved_method=saved)
    stripe_client.payment_methods.detach(saved)
    bank = saved_bank(stripe_client, customer_id)
    returning_bank = order_calls(client, stripe_requests, BANK_SLUG, saved_method=bank,
                                 method="us_bank_account")  # as the page sets it

    print("\nStripe calls by the shop per order (page, Pay, receipt):")
    for name, counts, browser in (("guest, new card", guest, 1), ("returning, saved card", returning_card, 0),
                                  ("returning, saved bank account", returning_bank, 0)):
        print(f"  {name:31} {counts} = {sum(counts)}; by the browser: {browser}")
    assert guest[1] == returning_card[1] == returning_bank[1] == 1  # Pay: one create-and-confirm
    assert guest[0] == 0 and returning_card[0] == returning_bank[0] == 2  # the list and the default
