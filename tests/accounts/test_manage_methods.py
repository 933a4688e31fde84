"""Managing saved ways of paying on the account page: remove one (asked first, CSRF-protected,
its own methods only), choose the default, and the SetupIntent the page confirms."""
from storefront.models import Account
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.accounts.test_pay_saved import save_a_card
from tests.helpers import card, hidden_fields


def customer_of(app, email="ada@example.com"):
    with app.app_context():
        return db.session.scalar(db.select(Account.stripe_customer_id).filter_by(email=email))


def two_cards(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    customer = customer_of(app)
    second = stripe_client.payment_methods.attach(card(stripe_client, "5555555555554444"),
                                                  {"customer": customer}).id
    [first] = [m.id for m in stripe_client.customers.payment_methods.list(customer).data if m.id != second]
    return customer, first, second


def test_remove_asks_first_then_detaches(app, client, outbox, stripe_client):
    customer, first, second = two_cards(app, client, outbox, stripe_client)
    page = client.get("/account").get_data(as_text=True)
    assert f"/account/methods/{first}/remove" in page
    ask = client.get(f"/account/methods/{first}/remove")
    assert ask.status_code == 200 and "Remove Visa ending 4242?" in ask.get_data(as_text=True)
    token = hidden_fields(ask.get_data(as_text=True))["csrf_token"]
    assert client.post(f"/account/methods/{first}/remove").status_code == 400  # no CSRF token
    done = client.post(f"/account/methods/{first}/remove", data={"csrf_token": token})
    assert done.status_code == 303
    left = [m.id for m in stripe_client.customers.payment_methods.list(customer).data]
    assert left == [second]
    page = client.get("/account").get_data(as_text=True)
    assert "Visa ending 4242" not in page and "Mastercard ending 4444" in page
    # Gone from the checkout's choices too.
    assert first not in client.get("/p/organic-tee").get_data(as_text=True)


def test_the_default_is_chosen_and_offered_first(app, client, outbox, stripe_client):
    customer, first, second = two_cards(app, client, outbox, stripe_client)
    token = hidden_fields(client.get("/account").get_data(as_text=True))["csrf_token"]
    answer = client.post(f"/account/methods/{second}/default", data={"csrf_token": token})
    assert answer.status_code == 303
    assert stripe_client.customers.retrieve(customer).invoice_settings.default_payment_method == second
    page = client.get("/p/organic-tee").get_data(as_text=True)
    assert f'value="{second}" data-kind="card" checked' in page and page.index(second) < page.index(first)
    page = client.get("/account").get_data(as_text=True)
    assert "ending 4444, expires 12/2034 <strong>(default)</strong>" in page, page[page.index("Saved ways"):][:900]


def test_another_customers_method_can_be_neither_removed_nor_made_default(
        app, client, outbox, stripe_client, stripe_requests):
    owner = app.test_client()
    sign_in(owner, outbox, "owner@example.com")
    save_a_card(owner, stripe_client)
    [theirs] = stripe_client.customers.payment_methods.list(customer_of(app, "owner@example.com")).data
    sign_in(client, outbox)
    save_a_card(client, stripe_client)
    token = hidden_fields(client.get("/account").get_data(as_text=True))["csrf_token"]
    assert client.get(f"/account/methods/{theirs.id}/remove").status_code == 404
    assert client.post(f"/account/methods/{theirs.id}/remove", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/account/methods/{theirs.id}/default", data={"csrf_token": token}).status_code == 404
    assert stripe_requests(method="POST", path=f"/v1/payment_methods/{theirs.id}/detach") == []
    assert stripe_client.payment_methods.retrieve(theirs.id).customer is not None


def test_the_setup_intent_is_the_customers_and_one_per_form(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    fields = hidden_fields(client.get("/account").get_data(as_text=True))
    data = {"csrf_token": fields["csrf_token"], "setup_token": fields["setup_token"], "kind": "card"}
    first = client.post("/account/methods/setup", data=data)
    again = client.post("/account/methods/setup", data=data)
    assert first.status_code == 200 and first.json == again.json
    intent = stripe_client.setup_intents.retrieve(first.json["client_secret"].split("_secret_")[0])
    assert intent.customer == customer_of(app) and intent.usage == "on_session"
    assert intent.payment_method_types == ["card"]
    assert client.post("/account/methods/setup", data={**data, "kind": "sepa_debit"}).status_code == 400
    guest = app.test_client()
    assert guest.post("/account/methods/setup", data=data).status_code in (400, 404)
