"""Paying with a saved card: one create-and-confirm call for the signed-in customer's Customer,
never for anyone else's."""
from storefront.models import Account, Order, PaymentAttempt
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.helpers import US_ADDRESS, bag_form, card, hidden_fields, open_checkout, pay


def save_a_card(client, stripe_client, number="4242424242424242"):
    page = open_checkout(client, "organic-tee")
    answer = pay(client, "organic-tee", page, card(stripe_client, number), save_card="y")
    assert answer.json["next"] == "receipt", answer.json


def saved_id(app, stripe_client, email="ada@example.com"):
    with app.app_context():
        customer = db.session.scalar(db.select(Account.stripe_customer_id).filter_by(email=email))
    [method] = stripe_client.customers.payment_methods.list(customer).data
    return customer, method.id


def pay_saved(client, slug, payment_method, **more):
    page = open_checkout(client, slug)
    return client.post(f"/p/{slug}/pay", data={**page, "email": "ada@example.com",
                                               "saved_method": payment_method, **more})


def test_a_saved_card_is_offered_first_and_pays_in_one_call(app, client, outbox, stripe_client,
                                                           stripe_requests):
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    customer, method = saved_id(app, stripe_client)
    page = client.get("/p/city-lights-poster").get_data(as_text=True)
    assert f'value="{method}" data-kind="card" checked' in page and "Visa ending 4242" in page
    assert page.index("Visa ending 4242") < page.index("Use a new card")

    before = len(stripe_requests(method="POST"))
    answer = pay_saved(client, "city-lights-poster", method)
    assert answer.json["next"] == "receipt", answer.json
    posts = stripe_requests(method="POST")[before:]
    assert [r["path"] for r in posts] == ["/v1/payment_intents"]  # one call, the charge
    with app.app_context():
        params = db.session.scalars(db.select(PaymentAttempt).order_by(PaymentAttempt.id.desc())
                                    ).first().request["params"]
        assert (params["customer"], params["payment_method"], params["confirm"]) == (
            customer, method, True)
        assert db.session.scalars(db.select(Order).order_by(Order.id.desc())).first().status == "paid"


def test_a_strangers_saved_card_is_refused_before_stripe_is_asked_to_charge(
        app, client, outbox, stripe_client, stripe_requests):
    owner = app.test_client()
    sign_in(owner, outbox, "owner@example.com")
    save_a_card(owner, stripe_client)
    _, theirs = saved_id(app, stripe_client, "owner@example.com")

    before = len(stripe_requests(method="POST", path="/v1/payment_intents"))
    answer = pay_saved(client, "organic-tee", theirs)  # a guest
    assert answer.status_code == 403 and "not one of your account's" in answer.json["message"]
    sign_in(client, outbox, "stranger@example.com")  # signed in, with no Customer
    assert pay_saved(client, "organic-tee", theirs).status_code == 403
    save_a_card(client, stripe_client)  # with a Customer and a card of their own
    before = len(stripe_requests(method="POST", path="/v1/payment_intents"))
    answer = pay_saved(client, "city-lights-poster", theirs)
    assert answer.status_code == 403
    assert stripe_requests(method="POST", path="/v1/payment_intents")[before:] == []


def test_without_javascript_a_saved_card_pays_by_a_form_post(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    _, method = saved_id(app, stripe_client)
    page = client.get("/p/city-lights-poster").get_data(as_text=True)
    assert 'name="no_script"' in page
    answer = pay_saved(client, "city-lights-poster", method, no_script="1")
    assert answer.status_code == 303 and "/orders/" in answer.headers["Location"]
    with app.app_context():
        assert db.session.scalars(db.select(Order).order_by(Order.id.desc())).first().status == "paid"


def test_a_saved_card_that_asks_for_3ds_asks_for_it(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    customer, _ = saved_id(app, stripe_client)
    method = stripe_client.payment_methods.attach(card(stripe_client, "4000002760003184"),
                                                  {"customer": customer}).id
    answer = pay_saved(client, "city-lights-poster", method)
    assert answer.json["next"] == "authenticate", answer.json
    plain = pay_saved(client, "city-lights-poster", method, no_script="1")
    assert plain.status_code == 402 and b"needs JavaScript" in plain.data


def test_the_bag_offers_the_saved_card_and_pays_with_it(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    _, method = saved_id(app, stripe_client)
    page = open_checkout(client, "city-lights-poster")
    assert client.post("/p/city-lights-poster/add", data=page).status_code == 303
    bag = client.get("/bag").get_data(as_text=True)
    assert f'value="{method}" data-kind="card" checked' in bag
    answer = client.post("/bag/pay", data={**bag_form(bag, client), "email": "ada@example.com"})
    assert answer.json["next"] == "receipt", answer.json


def test_a_saved_method_is_charged_only_at_the_price_of_its_kind(app, client, outbox, stripe_client,
                                                                stripe_requests):
    """A saved card posted with the bank's price (its discount) is refused, nothing charged."""
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    _, method = saved_id(app, stripe_client)
    before = len(stripe_requests(method="POST", path="/v1/payment_intents"))
    html = client.get("/p/city-lights-poster", query_string={"ship_country": "US", "method": "us_bank_account"})
    page = {**hidden_fields(html.get_data(as_text=True)), **US_ADDRESS}
    answer = client.post("/p/city-lights-poster/pay", data={
        **page, "email": "ada@example.com", "saved_method": method, "method": "us_bank_account"})
    assert answer.status_code == 400 and "another way of paying" in answer.json["message"]
    assert len(stripe_requests(method="POST", path="/v1/payment_intents")) == before
