"""The admin's makers: onboarding through Stripe's Account Link, their status as account.updated
reports it on a Connect endpoint, and a refunded line taking back that maker's share."""
import re

import pytest
import requests

from storefront.models import Maker, Order, OrderLine
from storefront.payments.webhooks import CONNECT_EVENTS
from storefront.web.extensions import db
from tests.admin.helpers import csrf_token
from tests.helpers import deliver_held_events_reversed_and_twice, event, signed
from tests.payments.test_makers import onboard, pay_bag, stripe_transfers
from tests.waiting import wait_for


@pytest.fixture
def connect_endpoint(app, shop, stripe_client):
    """The shop's webhook URL registered a second time, for Connect events, with its own secret
    (STRIPE_CONNECT_WEBHOOK_SECRET), as a shop does on real Stripe."""
    endpoint = stripe_client.webhook_endpoints.create(
        {"url": f"{shop.url}/webhooks/stripe", "enabled_events": list(CONNECT_EVENTS), "connect": True,
         "api_version": app.config["STRIPE_API_VERSION"]})
    app.config["STRIPE_CONNECT_WEBHOOK_SECRET"] = endpoint.secret
    yield endpoint
    stripe_client.webhook_endpoints.delete(endpoint.id)


def maker(app, slug):
    with app.app_context():
        found = db.session.scalars(db.select(Maker).filter_by(slug=slug)).one()
        db.session.expunge(found)
        return found


def test_onboarding_sends_the_admin_to_stripe_and_the_status_follows_account_updated(
        app, admin_client, local_stripe, connect_endpoint):
    page = admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    assert "Onboard with Stripe" in page
    request_id = re.search(r'name="request_id" value="([^"]+)"', page).group(1)
    response = admin_client.post("/admin/makers/harbour-press/onboard",
                                 data={"csrf_token": csrf_token(page), "request_id": request_id})
    assert response.status_code == 303 and response.location.startswith(f"{local_stripe.url}/setup/")
    account_id = maker(app, "harbour-press").stripe_account_id
    assert account_id and account_id in response.location
    # The form sent twice gives the same account (its idempotency key), and a new link.
    again = admin_client.post("/admin/makers/harbour-press/onboard",
                              data={"csrf_token": csrf_token(page), "request_id": request_id})
    assert again.status_code == 303 and maker(app, "harbour-press").stripe_account_id == account_id

    # The maker leaves it incomplete, then completes it (what the stand-in page's buttons do).
    requests.post(f"{local_stripe.url}/_emulator/accounts/{account_id}/onboarding",
                  json={"outcome": "incomplete"}).raise_for_status()
    wait_for(lambda: maker(app, "harbour-press").status_at)
    page = admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    assert "Continue onboarding" in page
    assert re.search(r"data-requirements-due>(?!None)[^<]+<", page)
    requests.post(f"{local_stripe.url}/_emulator/accounts/{account_id}/enable").raise_for_status()
    wait_for(lambda: maker(app, "harbour-press").transfers_active)
    page = admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    assert "data-payouts-enabled>Yes<" in page and "data-requirements-due>None<" in page
    assert "Onboard with Stripe" not in page and "Continue onboarding" not in page


def test_a_waiting_transfer_is_made_when_account_updated_says_the_maker_is_enabled(
        app, client, stripe_client, local_stripe, connect_endpoint):
    onboard(app, stripe_client, local_stripe, "harbour-press")
    waiting = onboard(app, stripe_client, local_stripe, "letterpress-studio", enabled=False)
    public_id, _ = pay_bag(client, stripe_client)
    assert len(stripe_transfers(stripe_client, public_id)) == 1
    requests.post(f"{local_stripe.url}/_emulator/accounts/{waiting}/enable").raise_for_status()
    made = wait_for(lambda: [t for t in stripe_transfers(stripe_client, public_id)
                             if t.destination == waiting])
    assert len(made) == 1


def test_account_updates_delivered_newest_first_leave_the_maker_as_stripe_has_it(
        app, stripe_client, local_stripe, shop, connect_endpoint):
    """Stripe's events come out of order: the maker left onboarding incomplete, then finished
    it; delivered newest first (and each again), the older event must not undo the newer."""
    account_id = onboard(app, stripe_client, local_stripe, "harbour-press", enabled=False)
    requests.post(f"{local_stripe.url}/_emulator/events/hold").raise_for_status()
    try:
        requests.post(f"{local_stripe.url}/_emulator/accounts/{account_id}/onboarding",
                      json={"outcome": "incomplete"}).raise_for_status()
        requests.post(f"{local_stripe.url}/_emulator/accounts/{account_id}/enable").raise_for_status()
    finally:
        released = deliver_held_events_reversed_and_twice(local_stripe.url, shop.url)
    assert len(released) == 2
    harbour = maker(app, "harbour-press")
    assert (harbour.transfers_active, harbour.payouts_enabled, harbour.requirements_due) == (
        True, True, [])


def test_an_account_update_stripe_cannot_be_asked_about_is_refused_for_stripe_to_send_again(
        app, client, stripe_client, local_stripe, faults):
    account_id = onboard(app, stripe_client, local_stripe, "harbour-press", enabled=False)
    requests.post(f"{local_stripe.url}/_emulator/accounts/{account_id}/enable").raise_for_status()
    payload = event("account.updated", stripe_client.accounts.retrieve(account_id).to_dict(),
                    "evt_account_1")
    headers = {"Stripe-Signature": signed(payload, "whsec_testing")}
    faults("500", path=f"/v1/accounts/{account_id}", method="GET")
    refused = client.post("/webhooks/stripe", data=payload, content_type="application/json",
                          headers=headers)
    assert refused.status_code == 503 and not maker(app, "harbour-press").transfers_active
    again = client.post("/webhooks/stripe", data=payload, content_type="application/json",
                        headers=headers)
    assert again.status_code == 200 and maker(app, "harbour-press").transfers_active


def test_refunding_a_line_reverses_that_makers_share(app, admin_client, stripe_client, local_stripe):
    harbour = onboard(app, stripe_client, local_stripe, "harbour-press")
    onboard(app, stripe_client, local_stripe, "letterpress-studio")
    public_id, lines = pay_bag(admin_client, stripe_client)
    with app.app_context():
        order = db.session.scalars(db.select(Order).filter_by(public_id=public_id)).one()
        order_id = order.id
        poster = db.session.scalars(db.select(OrderLine).filter_by(order_id=order_id, position=0)).one()
        poster_id, poster_amount = poster.id, poster.amount
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert page.count("data-transfer=") == 2 and "Made <code>tr_" in page
    request_id = re.search(rf'/lines/{poster_id}/refund".*?name="request_id" value="([^"]+)"',
                           page, re.S).group(1)
    form = {"csrf_token": csrf_token(page), "request_id": request_id}
    response = admin_client.post(f"/admin/orders/{order_id}/lines/{poster_id}/refund", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    # Sent twice (a double click): still one refund and one reversal.
    admin_client.post(f"/admin/orders/{order_id}/lines/{poster_id}/refund", data=form)

    [transfer] = [t for t in stripe_transfers(stripe_client, public_id) if t.destination == harbour]
    share = poster_amount - poster_amount * 15 // 100
    assert transfer.amount_reversed == share
    assert len(stripe_client.transfers.reversals.list(transfer.id).data) == 1
    refunds = stripe_client.refunds.list({"payment_intent": stripe_client.charges.retrieve(
        transfer.source_transaction).payment_intent}).data
    assert [refund.amount for refund in refunds] == [poster_amount]
    others = [t for t in stripe_transfers(stripe_client, public_id) if t.destination != harbour]
    assert [t.amount_reversed for t in others] == [0]
    page = admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    assert "trr_" in page
