"""One Stripe Customer per account, made when first needed, never twice; deleting the account
detaches its saved methods, deletes the Customer, and keeps its orders without the person."""
from storefront.accounts import customers, deletion
from storefront.models import Account, Order, SignInLink
from storefront.payments import gateway
from storefront.web.extensions import db
from tests.accounts.helpers import sign_in
from tests.admin.helpers import add_order
from tests.helpers import card, hidden_fields


def account_of(app, email="ada@example.com"):
    with app.app_context():
        account = db.session.scalar(db.select(Account).filter_by(email=email))
        if account is not None:
            db.session.expunge(account)
        return account


def test_the_customer_is_made_once_with_a_key_from_the_account(app, client, outbox, stripe_client,
                                                               stripe_requests):
    sign_in(client, outbox)
    assert account_of(app).stripe_customer_id is None  # signing in makes none
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        first = customers.stripe_customer_id(account)
        assert customers.stripe_customer_id(account) == first  # kept: not asked again
        # Lost after Stripe made it (the answer never stored): the same key, the same Customer.
        account.stripe_customer_id = None
        db.session.commit()
        assert customers.stripe_customer_id(account) == first
        key = gateway.customer_key(account)
    made = stripe_requests(method="POST", path="/v1/customers")
    assert [r["idempotency_key"] for r in made] == [key, key] and made[1]["replayed"]
    customer = stripe_client.customers.retrieve(first)
    assert customer.email == "ada@example.com"
    assert customer.metadata["account_public_id"] == account_of(app).public_id
    assert account_of(app).stripe_customer_id == first


def delete_through_the_page(client):
    page = client.get("/account/delete")
    assert page.status_code == 200
    return client.post("/account/delete", data={"csrf_token": hidden_fields(page.get_data(as_text=True))["csrf_token"]})


def test_deleting_an_account_keeps_its_orders_without_the_person(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        public_id = account.public_id
        address = {"line1": "1 Harbour Lane", "line2": None, "city": "Portside", "state": "ME",
                   "postal_code": "04101", "country": "US"}
        mine = add_order(status="paid", account_id=account.id, email="ada.work@example.com",
                         shipping_name="Ada Lovelace", shipping_address=address, card_brand="visa",
                         card_last4="4242", total=1800).id
        guest = add_order(status="paid", email="Ada@Example.com", receipt_due_at=None).id
        due = add_order(status="processing", email="ada@example.com",
                        receipt_due_at=db.func.now()).id
        other = add_order(status="paid", email="grace@example.com", shipping_name="Grace Hopper").id
    answer = delete_through_the_page(client)
    assert answer.status_code == 200 and "Your account is deleted" in answer.get_data(as_text=True)

    replaced = f"deleted-{public_id.lower()}@invalid"
    with app.app_context():
        assert db.session.scalars(db.select(Account)).all() == []
        assert db.session.scalars(db.select(SignInLink)).all() == []
        kept = {o.id: o for o in db.session.scalars(db.select(Order))}
        assert len(kept) == 4  # every order stays, for the books
        order = kept[mine]
        assert (order.email, order.shipping_name, order.card_brand, order.card_last4) == (
            replaced, None, None, None)
        assert order.shipping_address == {"country": "US", "state": "ME"}
        assert (order.status, order.total, order.account_id) == ("paid", 1800, None)
        assert "deleted their account" in order.transitions[-1].note
        assert kept[guest].email == replaced
        assert kept[due].email == replaced and kept[due].receipt_due_at is None  # no email to nobody
        assert (kept[other].email, kept[other].shipping_name) == ("grace@example.com", "Grace Hopper")
    assert client.get("/account").headers["Location"] == "/account/sign-in"
    assert "Sign in</a>" in client.get("/").get_data(as_text=True)


def test_a_new_sign_in_with_the_address_starts_a_new_empty_account(app, client, outbox, stripe_client):
    sign_in(client, outbox)
    with app.app_context():
        add_order(status="paid", email="ada@example.com")
    delete_through_the_page(client)
    sign_in(client, outbox)
    assert "No orders yet" in client.get("/account").get_data(as_text=True)


def test_a_stripe_that_does_not_answer_leaves_the_account_as_it_was(app, client, outbox, faults):
    sign_in(client, outbox)
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        customer_id = customers.stripe_customer_id(account)
        add_order(status="paid", email="ada@example.com")
    faults("500", path=f"/v1/customers/{customer_id}", method="GET", count=5)
    answer = delete_through_the_page(client)
    assert answer.status_code == 503 and "Nothing was deleted" in answer.get_data(as_text=True)
    assert account_of(app).stripe_customer_id == customer_id
    with app.app_context():
        assert db.session.scalar(db.select(Order)).email == "ada@example.com"
    assert client.get("/account").status_code == 200  # still signed in


def test_deleting_detaches_the_saved_methods_and_deletes_the_customer(
        app, client, outbox, stripe_client, stripe_requests):
    sign_in(client, outbox)
    with app.app_context():
        customer_id = customers.stripe_customer_id(db.session.scalar(db.select(Account)))
    saved = [card(stripe_client), card(stripe_client, "5555555555554444")]
    for method in saved:
        stripe_client.payment_methods.attach(method, {"customer": customer_id})
    assert delete_through_the_page(client).status_code == 200
    detached = {r["path"] for r in stripe_requests(method="POST") if r["path"].endswith("/detach")}
    assert detached == {f"/v1/payment_methods/{method}/detach" for method in saved}
    for method in saved:
        assert stripe_client.payment_methods.retrieve(method).customer is None
    assert stripe_client.customers.retrieve(customer_id).to_dict().get("deleted") is True
    assert account_of(app) is None


def test_deleting_again_after_stripe_deleted_the_customer_finishes(app, client, outbox, stripe_client):
    """The Customer went at Stripe but the answer was lost: asking again finds it gone, and the
    account is deleted all the same."""
    sign_in(client, outbox)
    with app.app_context():
        account = db.session.scalar(db.select(Account))
        customer_id = customers.stripe_customer_id(account)
    stripe_client.customers.delete(customer_id)
    with app.app_context():
        deletion.delete_account(db.session.scalar(db.select(Account)))
    assert account_of(app) is None

