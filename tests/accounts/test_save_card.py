""""Save for next time": a signed-in customer's card is attached to their account's Stripe
Customer by the same one create-and-confirm call (setup_future_usage), and listed on the account
page; a guest's checkout neither offers nor does it."""
from storefront.models import Account, PaymentAttempt
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.helpers import card, open_checkout, pay

SAVE = 'name="save_card"'


def paid(client, stripe_client, slug="organic-tee", **fields):
    page = open_checkout(client, slug)
    answer = pay(client, slug, page, card(stripe_client), **fields)
    assert answer.json["next"] == "receipt", answer.json
    return answer


def last_request(app):
    with app.app_context():
        return db.session.scalars(db.select(PaymentAttempt).order_by(PaymentAttempt.id.desc())).first().request


def customer_id(app):
    with app.app_context():
        return db.session.scalar(db.select(Account.stripe_customer_id))


def test_a_ticked_card_is_saved_by_the_payment_itself_and_listed(
        app, client, outbox, stripe_client, stripe_requests):
    sign_in(client, outbox)
    assert SAVE in client.get("/p/organic-tee").get_data(as_text=True)
    paid(client, stripe_client, save_card="y")
    customer = customer_id(app)
    params = last_request(app)["params"]
    assert (params["customer"], params["setup_future_usage"]) == (customer, "on_session")
    # The Customer, made now, then the one payment call: the card is attached by it.
    assert [r["path"] for r in stripe_requests(method="POST") if r["path"] != "/v1/payment_methods"] == [
        "/v1/customers", "/v1/payment_intents"]
    [saved] = stripe_client.customers.payment_methods.list(customer).data
    assert saved.card.last4 == "4242"
    page = client.get("/account").get_data(as_text=True)
    assert "Visa ending 4242, expires 12/2034" in page

    paid(client, stripe_client, "city-lights-poster", save_card="y")  # the next time
    assert [r["path"] for r in stripe_requests(method="POST", path="/v1/customers")] == ["/v1/customers"]
    assert last_request(app)["params"]["customer"] == customer
    assert len(stripe_client.customers.payment_methods.list(customer).data) == 2


def test_an_unticked_card_is_not_saved_and_makes_no_customer(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    paid(client, stripe_client)
    assert "customer" not in last_request(app)["params"] and customer_id(app) is None
    assert "None yet" in client.get("/account").get_data(as_text=True)


def test_a_guest_is_not_offered_it_and_a_posted_tick_changes_nothing(app, client, stripe_client,
                                                                    stripe_requests):
    assert SAVE not in client.get("/p/organic-tee").get_data(as_text=True)
    paid(client, stripe_client, save_card="y")
    params = last_request(app)["params"]
    assert "customer" not in params and "setup_future_usage" not in params
    assert stripe_requests(method="POST", path="/v1/customers") == []


def test_no_customer_at_stripe_means_no_charge_and_a_message(app, client, outbox, stripe_client,
                                                            faults, stripe_requests):
    sign_in(client, outbox)
    faults("500", path="/v1/customers", count=3)
    page = open_checkout(client, "organic-tee")
    answer = pay(client, "organic-tee", page, card(stripe_client), save_card="y")
    assert answer.status_code == 503 and "nothing was charged" in answer.json["message"]
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []
