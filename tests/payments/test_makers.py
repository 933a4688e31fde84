"""Makers paid through Stripe Connect: one transfer per maker for their lines less commission,
once the bag's payment succeeds; a maker not yet enabled is paid once they are."""
import secrets

import requests

from storefront.models import Maker, Order, Transfer
from storefront.payments import connect, gateway
from storefront.web.extensions import db
from tests.helpers import bag_form, card, hidden_fields

WORKSHOP = {"quantity": "2", "option-session": "thursday-evening"}


def add(client, slug, **selection):
    page = hidden_fields(client.get(f"/p/{slug}").get_data(as_text=True))
    assert client.post(f"/p/{slug}/add", data={"csrf_token": page["csrf_token"], **selection}).status_code == 303


def onboard(app, stripe_client, local_stripe, slug, enabled=True):
    """Give the maker a connected account, as the admin's onboarding does; enabled or not."""
    with app.app_context():
        maker = db.session.scalars(db.select(Maker).filter_by(slug=slug)).one()
        account = gateway.create_account(maker.slug, key=secrets.token_hex(8))
        if enabled:
            requests.post(f"{local_stripe.url}/_emulator/accounts/{account.id}/enable").raise_for_status()
        maker.stripe_account_id = account.id
        maker.transfers_active = enabled
        db.session.commit()
    return account.id


def fill_and_pay(client, stripe_client, products):
    """Put `products` ((slug, selection) pairs) in the bag and pay it by card, to the receipt."""
    for slug, selection in products:
        add(client, slug, **selection)
    form = bag_form(client.get("/bag").get_data(as_text=True), client)
    response = client.post("/bag/pay", data=form | {"email": "ada@example.com",
                                                     "payment_method": card(stripe_client)})
    assert response.json["next"] == "receipt", response.json


def pay_bag(client, stripe_client):
    fill_and_pay(client, stripe_client, (("city-lights-poster", {"quantity": "2"}),
                                         ("organic-tee", {}), ("letterpress-workshop", WORKSHOP)))
    with client.application.app_context():
        order = db.session.scalars(db.select(Order)).one()
        return order.public_id, [(line.product.slug, line.amount) for line in order.items]


def stripe_transfers(stripe_client, public_id):
    return stripe_client.transfers.list({"transfer_group": f"order-{public_id}"}).data


def test_each_maker_is_paid_their_lines_less_commission(app, client, stripe_client, local_stripe):
    harbour = onboard(app, stripe_client, local_stripe, "harbour-press")
    studio = onboard(app, stripe_client, local_stripe, "letterpress-studio")
    public_id, lines = pay_bag(client, stripe_client)
    poster, workshop = dict(lines)["city-lights-poster"], dict(lines)["letterpress-workshop"]
    made = {t.destination: t for t in stripe_transfers(stripe_client, public_id)}
    assert set(made) == {harbour, studio}  # the shop's own tee pays no one
    assert made[harbour].amount == poster - poster * 15 // 100
    assert made[studio].amount == workshop - workshop * 10 // 100
    intent = stripe_client.payment_intents.retrieve(
        stripe_client.charges.retrieve(made[harbour].source_transaction).payment_intent)
    assert intent.metadata["order_public_id"] == public_id


def test_transfers_are_made_once(app, client, stripe_client, local_stripe):
    onboard(app, stripe_client, local_stripe, "harbour-press")
    onboard(app, stripe_client, local_stripe, "letterpress-studio")
    public_id, _ = pay_bag(client, stripe_client)
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        connect.pay_makers(order.id, order.public_id, order.currency)  # a second fulfilment, by a webhook say
        assert connect.pay_waiting() == {}
        assert len(db.session.scalars(db.select(Transfer)).all()) == 2
    assert len(stripe_transfers(stripe_client, public_id)) == 2


def test_a_maker_not_enabled_is_paid_once_enabled(app, client, stripe_client, local_stripe):
    onboard(app, stripe_client, local_stripe, "harbour-press")
    waiting = onboard(app, stripe_client, local_stripe, "letterpress-studio", enabled=False)
    public_id, _ = pay_bag(client, stripe_client)
    assert [t.destination for t in stripe_transfers(stripe_client, public_id)] != [waiting]
    assert len(stripe_transfers(stripe_client, public_id)) == 1
    with app.app_context():
        assert connect.pay_waiting() == {}  # still not enabled: nothing to do
        requests.post(f"{local_stripe.url}/_emulator/accounts/{waiting}/enable").raise_for_status()
        connect.account_updated(stripe_client.accounts.retrieve(waiting))
    assert {t.destination for t in stripe_transfers(stripe_client, public_id)} >= {waiting}
    assert len(stripe_transfers(stripe_client, public_id)) == 2


def test_a_transfer_stripe_refused_is_tried_again_with_a_new_key(app, client, stripe_client,
                                                                 local_stripe, faults, stripe_requests):
    """Stripe saves a failure for the key and replays it: the next try is a new request with a
    new key (as reversals do). A lost answer keeps its key, so nothing is paid twice."""
    onboard(app, stripe_client, local_stripe, "harbour-press")
    faults("500", path="/v1/transfers")
    public_id, _ = pay_bag(client, stripe_client)  # Stripe answers the transfer with a 500
    assert stripe_transfers(stripe_client, public_id) == []
    with app.app_context():
        [transfer] = db.session.scalars(db.select(Transfer).join(Maker)
                                        .filter(Maker.slug == "harbour-press")).all()
        first_key = transfer.idempotency_key
        # The 500 may have been Stripe's own failure or not: the same key again, which Stripe
        # answers with the failure it saved, marked as replayed: now it is known nothing was made.
        assert connect.pay_waiting() == {"transfers still waiting": 1}
        transfer = db.session.get(Transfer, transfer.id)
        assert transfer.idempotency_key == f"{first_key}-try-2"
        assert connect.pay_waiting() == {"transfers made": 1}
    assert len(stripe_transfers(stripe_client, public_id)) == 1
    sent = [(r["idempotency_key"], r["status"], r["replayed"])
            for r in stripe_requests(method="POST", path="/v1/transfers")]
    assert sent == [(first_key, 500, False), (first_key, 500, True), (f"{first_key}-try-2", 200, False)]
