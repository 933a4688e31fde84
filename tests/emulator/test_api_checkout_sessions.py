"""Checkout Sessions through the official library: create, retrieve, list, line items, expire,
and paying on the page (the page's own endpoint, as its Stripe.js calls it)."""
import json

import pytest
import stripe

from tests.emulator.bank import BILLING, MANDATE_DATA, ROUTING, SETTLEMENT_DAYS, SUCCEEDS

LINE_ITEMS = [
    {"price_data": {"currency": "eur", "unit_amount": 1250,
                    "product_data": {"name": "Notebook", "description": "A5, dotted"}},
     "quantity": 2},
    {"price_data": {"currency": "eur", "unit_amount": 450,
                    "product_data": {"name": "Shipping"}},
     "quantity": 1},
]
NEW_VERSION = "2026-10-28.endive"   # ui_mode names renamed in 2026-03-25
OLD_VERSION = "2025-09-30.clover"


@pytest.fixture
def session_for(stripe_client):
    """session_for(**params) → a hosted payment-mode session (old API version names)."""
    def create(version=OLD_VERSION, **params):
        params = {"mode": "payment", "line_items": LINE_ITEMS,
                  "success_url": "http://shop.test/paid?session={CHECKOUT_SESSION_ID}",
                  "cancel_url": "http://shop.test/product/7", **params}
        params = {name: value for name, value in params.items() if value is not None}
        return stripe_client.v1.checkout.sessions.create(params, {"stripe_version": version})
    return create


@pytest.fixture
def pay_page(browser_client):
    """pay_page(session, pm, email=None) → the page's answer to its Pay button."""
    def pay(session, payment_method=None, email=None, client_secret=None):
        params = {name: value for name, value in {
            "payment_method": payment_method, "email": email,
            "client_secret": client_secret}.items() if value}
        try:
            response = browser_client.raw_request(
                "post", f"/v1/payment_pages/{session.id}/confirm", **params)
        except stripe.StripeError as error:
            return error.json_body
        return json.loads(response.body)
    return pay


def test_hosted_session_is_open_with_a_url_totals_and_what_the_shop_sent(session_for, emulator):
    before = emulator.now()
    session = session_for(client_reference_id="order-41", metadata={"order_id": "41"},
                          customer_email="ada@example.com")
    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"{emulator.url}/c/pay/{session.id}"
    assert session.client_secret is None
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_subtotal, session.amount_total, session.currency) == (2950, 2950, "eur")
    assert session.client_reference_id == "order-41"
    assert session.metadata.to_dict() == {"order_id": "41"}
    assert session.customer_email == "ada@example.com"
    assert session.ui_mode == "hosted"
    assert session.payment_intent is None       # made when the customer pays
    assert session.payment_method_types == ["card"]
    assert before + 24 * 3600 <= session.expires_at <= emulator.now() + 24 * 3600
    assert "line_items" not in session            # only when expanded


def test_ui_mode_names_follow_the_api_version(session_for):
    assert session_for(version=NEW_VERSION).ui_mode == "hosted_page"
    embedded = session_for(version=NEW_VERSION, ui_mode="embedded_page", success_url=None,
                           cancel_url=None,
                           return_url="http://shop.test/return?s={CHECKOUT_SESSION_ID}")
    assert embedded.ui_mode == "embedded_page"
    assert embedded.url is None
    assert embedded.client_secret.startswith(f"{embedded.id}_secret_")
    assert embedded.return_url == "http://shop.test/return?s={CHECKOUT_SESSION_ID}"
    assert embedded.redirect_on_completion == "always"
    with pytest.raises(stripe.InvalidRequestError) as old_name:
        session_for(version=NEW_VERSION, ui_mode="embedded", success_url=None, cancel_url=None,
                    return_url="http://shop.test/return")
    assert old_name.value.param == "ui_mode"
    with pytest.raises(stripe.InvalidRequestError) as new_name:
        session_for(version=OLD_VERSION, ui_mode="hosted_page")
    assert new_name.value.param == "ui_mode"


@pytest.mark.parametrize("params, param, words", [
    ({"ui_mode": "embedded", "success_url": None, "cancel_url": None}, "return_url",
     "Missing required param: return_url."),
    ({"ui_mode": "embedded", "return_url": "http://shop.test/r"}, "cancel_url",
     "not supported with 'ui_mode: embedded': cancel_url, success_url"),
    ({"ui_mode": "embedded", "success_url": None, "cancel_url": None,
      "redirect_on_completion": "never", "return_url": "http://shop.test/r"}, "return_url",
     "redirect_on_completion"),
    ({"return_url": "http://shop.test/r"}, "return_url",
     "not supported with 'ui_mode: hosted': return_url"),
    ({"success_url": None}, "success_url", "Missing required param: success_url."),
    ({"mode": None}, "mode", "Missing required param: mode."),
    ({"line_items": None}, "line_items", "Missing required param: line_items."),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 100,
                                     "product_data": {"name": "x"}}}]},
     "line_items[0][quantity]", "Missing required param"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 100,
                                     "product_data": {"name": "x"}}, "quantity": 1},
                     {"price_data": {"currency": "usd", "unit_amount": 100,
                                     "product_data": {"name": "y"}}, "quantity": 1}]},
     "line_items", "same currency"),
    ({"line_items": [{"price_data": {"currency": "usd", "unit_amount": 20,
                                     "product_data": {"name": "x"}}, "quantity": 1}]},
     "line_items", "Amount must be at least $0.50 usd"),
    ({"payment_method_types": ["sepa_debit"]}, "payment_method_types", "invalid"),
    ({"payment_intent_data": {"capture_method": "manual"}},
     "payment_intent_data[capture_method]", "not supported by the local Stripe emulator"),
    ({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 100,
                                     "product_data": {"nme": "x"}}, "quantity": 1}]},
     "line_items[0][price_data][product_data][nme]", "did you mean name?"),
    ({"payment_method_types": ["card", "us_bank_account"]}, "payment_method_types",
     "The currency provided (eur) is invalid"),
])
@pytest.mark.invalid_stripe_params
def test_stripes_validation_errors(session_for, params, param, words):
    with pytest.raises(stripe.InvalidRequestError) as error:
        session_for(**params)
    assert error.value.http_status == 400
    assert error.value.param == param
    assert words in error.value.user_message


def test_expires_at_must_be_between_30_minutes_and_24_hours(session_for, emulator):
    now = emulator.now()
    for too_soon_or_late, words in ((now + 29 * 60, "at least 30 minutes"),
                                    (now + 24 * 3600 + 60, "less than 24 hours")):
        with pytest.raises(stripe.InvalidRequestError) as error:
            session_for(expires_at=too_soon_or_late)
        assert error.value.param == "expires_at"
        assert words in error.value.user_message
    assert session_for(expires_at=now + 3600).expires_at == now + 3600


def test_retrieve_expands_line_items_and_lists_them(session_for, stripe_client):
    session = session_for()
    expanded = stripe_client.v1.checkout.sessions.retrieve(session.id,
                                                           {"expand": ["line_items"]})
    items = expanded.line_items.data
    assert [(item.description, item.quantity, item.amount_total) for item in items] == [
        ("Notebook", 2, 2500), ("Shipping", 1, 450)]
    assert items[0].price.unit_amount == 1250 and items[0].price.currency == "eur"
    listed = stripe_client.v1.checkout.sessions.line_items.list(session.id, {"limit": 1})
    assert [item.id for item in listed.data] == [items[0].id]
    assert listed.has_more
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert missing.value.http_status == 404


def test_paying_on_the_page_completes_the_session_with_its_payment_intent(
        session_for, pay_page, card, stripe_client, webhook_receiver):
    session = session_for(metadata={"order_id": "41"},
                          payment_intent_data={"metadata": {"order_id": "41"},
                                               "description": "Order 41",
                                               "statement_descriptor_suffix": "ORDER 41"})
    state = pay_page(session, card("4242424242424242").id, email="ada@example.com")
    assert state["status"] == "complete"
    assert state["redirect_url"] == f"http://shop.test/paid?session={session.id}"

    paid = stripe_client.v1.checkout.sessions.retrieve(
        session.id, {"expand": ["payment_intent", "payment_intent.latest_charge"]})
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.customer_details.email == "ada@example.com"
    intent = paid.payment_intent
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 2950, "eur")
    assert intent.metadata.to_dict() == {"order_id": "41"}
    assert intent.description == "Order 41"
    assert intent.statement_descriptor_suffix == "ORDER 41"
    assert intent.latest_charge.paid and intent.latest_charge.amount == 2950
    assert paid.url is None

    listed = stripe_client.v1.checkout.sessions.list({"payment_intent": intent.id})
    assert [s.id for s in listed.data] == [session.id]
    assert stripe_client.v1.checkout.sessions.list({"status": "open"}).data == []

    # Stripe's order: the intent's events, then the session's.
    deliveries = webhook_receiver.wait_for(
        lambda d: json.loads(d["body"])["type"] == "checkout.session.completed")
    assert deliveries, "checkout.session.completed was not delivered"
    events = [json.loads(d["body"]) for d in webhook_receiver.received]
    types = [event["type"] for event in events]
    assert types == ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
                     "checkout.session.completed"]
    completed = events[-1]["data"]["object"]
    assert (completed["id"], completed["payment_status"]) == (session.id, "paid")
    assert completed["payment_intent"] == intent.id


def test_a_decline_leaves_the_session_open_for_another_card(session_for, pay_page, card,
                                                            stripe_client):
    session = session_for(customer_email="ada@example.com")
    declined = pay_page(session, card("4000000000009995").id)
    assert declined["error"]["type"] == "card_error"
    assert declined["error"]["decline_code"] == "insufficient_funds"
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    state = pay_page(session, card("5555555555554444").id)
    assert state["status"] == "complete"
    paid = stripe_client.v1.checkout.sessions.retrieve(session.id)
    intents = stripe_client.v1.payment_intents.list()
    assert [i.id for i in intents.data] == [paid.payment_intent]   # one intent, two attempts


def test_three_d_secure_completes_the_session_when_the_challenge_succeeds(
        session_for, pay_page, card, challenge, stripe_client):
    session = session_for(customer_email="ada@example.com")
    state = pay_page(session, card("4000002760003184").id)
    assert state["status"] == "open" and state["requires_action"]
    intent = stripe_client.v1.payment_intents.retrieve(
        stripe_client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    challenge(intent, "complete", state["payment_intent_client_secret"])
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert pay_page(session)["redirect_url"] == f"http://shop.test/paid?session={session.id}"


def test_page_needs_an_email_and_an_embedded_sessions_client_secret(session_for, pay_page, card):
    hosted = session_for()
    assert pay_page(hosted, card("4242424242424242").id)["error"]["param"] == "email"
    embedded = session_for(ui_mode="embedded", success_url=None, cancel_url=None,
                           return_url="http://shop.test/r?s={CHECKOUT_SESSION_ID}")
    wrong = pay_page(embedded, card("4242424242424242").id, email="a@example.com",
                     client_secret=embedded.id + "_secret_wrong")
    assert wrong["error"]["param"] == "client_secret"
    state = pay_page(embedded, card("4242424242424242").id, email="a@example.com",
                     client_secret=embedded.client_secret)
    assert state["redirect_url"] == f"http://shop.test/r?s={embedded.id}"


def test_expire_ends_an_open_session_with_an_event(session_for, stripe_client, pay_page, card,
                                                   event_types):
    session = session_for(customer_email="ada@example.com")
    expired = stripe_client.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.payment_status) == ("expired", "unpaid")
    assert event_types(session.id) == ["checkout.session.expired"]
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.checkout.sessions.expire(session.id)
    assert "status of expired" in again.value.user_message
    refused = pay_page(session, card("4242424242424242").id)
    assert "expired" in refused["error"]["message"]
    assert stripe_client.v1.payment_intents.list().data == []


def test_a_session_expires_when_the_clock_passes_expires_at(session_for, stripe_client,
                                                            emulator, event_types):
    # A minute more than the least Stripe takes, for the clock running while the request goes.
    soon = session_for(expires_at=emulator.now() + 1860)
    later = session_for()
    emulator.control("POST", "/clock/advance", to=soon.expires_at)
    assert event_types(soon.id) == ["checkout.session.expired"]
    assert stripe_client.v1.checkout.sessions.retrieve(soon.id).status == "expired"
    assert stripe_client.v1.checkout.sessions.retrieve(later.id).status == "open"
    expired = stripe_client.v1.checkout.sessions.list({"status": "expired"})
    assert [s.id for s in expired.data] == [soon.id]


def test_a_complete_session_cannot_be_expired(session_for, pay_page, card, stripe_client):
    session = session_for(customer_email="ada@example.com")
    pay_page(session, card("4242424242424242").id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.checkout.sessions.expire(session.id)


# ACH Direct Debit: the session completes unpaid, the bank's answer comes days later.

BANK_ITEMS = [{"price_data": {"currency": "usd", "unit_amount": 4000,
                              "product_data": {"name": "Desk lamp"}}, "quantity": 1}]


@pytest.fixture
def bank_checkout(session_for, pay_page, browser_client):
    """bank_checkout(linked_account | None) → (session, intent) after the page collected the
    account (linked in the dialog, or typed in when None) and Stripe.js confirmed it."""
    def run(linked_account="success"):
        session = session_for(line_items=BANK_ITEMS,
                              payment_method_types=["card", "us_bank_account"])
        assert pay_page(session, email="jenny@example.com")["error"]["param"] == \
            "payment_method"
        state = browser_client.raw_request(
            "post", f"/v1/payment_pages/{session.id}/confirm",
            payment_method_type="us_bank_account", email="jenny@example.com")
        secret = json.loads(state.body)["payment_intent_client_secret"]
        intent_id = secret.split("_secret_")[0]
        account = {"linked_account": linked_account} if linked_account else {}
        data = {"type": "us_bank_account", "billing_details": BILLING}
        if not linked_account:
            data["us_bank_account"] = {"routing_number": ROUTING, "account_number": SUCCEEDS,
                                       "account_holder_type": "individual"}
        browser_client.raw_request(
            "post", f"/v1/payment_intents/{intent_id}/collect_bank_account",
            client_secret=secret, payment_method_data=data, **account)
        intent = browser_client.v1.payment_intents.confirm(
            intent_id, {"client_secret": secret, "mandate_data": MANDATE_DATA})
        return session, intent
    return run


def test_a_bank_debit_completes_the_session_unpaid_then_async_payment_succeeded(
        bank_checkout, pay_page, stripe_client, emulator, event_types):
    session, intent = bank_checkout("success")
    assert intent.status == "processing"
    state = pay_page(session)
    assert (state["status"], state["payment_status"]) == ("complete", "unpaid")
    assert state["redirect_url"] == f"http://shop.test/paid?session={session.id}"
    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (completed.status, completed.payment_status) == ("complete", "unpaid")
    assert completed.customer_details.name == "Jenny Rosen"

    emulator.control("POST", "/clock/advance", days=SETTLEMENT_DAYS)
    paid = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert paid.payment_status == "paid"
    assert event_types(session.id) == ["checkout.session.completed",
                                       "checkout.session.async_payment_succeeded"]


def test_a_failed_bank_debit_sends_async_payment_failed(bank_checkout, stripe_client, emulator,
                                                       event_types):
    session, intent = bank_checkout("insufficient_funds")
    emulator.control("POST", "/clock/advance", days=SETTLEMENT_DAYS)
    failed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (failed.status, failed.payment_status) == ("complete", "unpaid")
    assert event_types(session.id) == ["checkout.session.completed",
                                       "checkout.session.async_payment_failed"]
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == \
        "requires_payment_method"


def test_microdeposits_complete_the_session_unpaid_until_verified_and_settled(
        bank_checkout, stripe_client, emulator, event_types):
    session, intent = bank_checkout(None)
    assert intent.next_action.type == "verify_with_microdeposits"
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"
    stripe_client.v1.payment_intents.verify_microdeposits(intent.id, {"amounts": [32, 45]})
    emulator.control("POST", "/clock/advance", days=SETTLEMENT_DAYS)
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert event_types(session.id) == ["checkout.session.completed",
                                       "checkout.session.async_payment_succeeded"]
