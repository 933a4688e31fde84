"""PaymentIntents: validation as Stripe does it, capture, cancel, update, the request log."""
import pytest
import requests
import stripe

VISA = "4242424242424242"


def create(client, **params):
    return client.v1.payment_intents.create(
        {"amount": 2000, "currency": "usd", "allowed_payment_method_types": ["card"], **params})


@pytest.mark.parametrize("params, param, code", [
    ({"amount": 0}, "amount", "parameter_invalid_integer"),
    ({"amount": "12.50"}, "amount", "parameter_invalid_integer"),
    ({"amount": 49}, "amount", "amount_too_small"),
    ({"amount": 100_000_000}, "amount", "amount_too_large"),
    ({"currency": "xyz"}, "currency", None),
    ({"currency": "kwd", "amount": 1005}, "amount", "invalid_charge_amount"),
    ({"allowed_payment_method_types": ["klarna"]}, "allowed_payment_method_types", None),
    ({"capture_method": "later"}, "capture_method", None),
    ({"payment_method_type": ["card"]}, "payment_method_type", "parameter_unknown"),
])
@pytest.mark.invalid_stripe_params
def test_invalid_parameters_are_refused_like_stripe(stripe_client, params, param, code):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        create(stripe_client, **params)
    assert refused.value.http_status == 400
    assert (refused.value.param, refused.value.code) == (param, code)


def test_required_parameters(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create({"amount": 2000})
    assert refused.value.user_message == "Missing required param: currency."


@pytest.mark.invalid_stripe_params
def test_an_unknown_parameter_names_the_one_meant(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        create(stripe_client, payment_method_type=["card"])
    assert refused.value.user_message == (
        "Received unknown parameter: payment_method_type; did you mean payment_method_types?")


@pytest.mark.parametrize("currency, amount", [("USD", 50), ("jpy", 500), ("kwd", 1010),
                                              ("eur", 50)])
def test_amounts_are_minor_units_of_each_currency(stripe_client, currency, amount):
    intent = create(stripe_client, currency=currency, amount=amount)
    assert (intent.currency, intent.amount) == (currency.lower(), amount)


def test_without_payment_method_types_confirming_needs_a_return_url(stripe_client, card,
                                                                    emulator):
    params = {"amount": 2000, "currency": "usd", "payment_method": card(VISA).id,
              "confirm": True, "confirmation_method": "manual"}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(params)
    assert "you must provide a `return_url`" in refused.value.user_message
    assert stripe_client.v1.events.list({"type": "payment_intent.created"}).data == []

    with_return = stripe_client.v1.payment_intents.create(
        {**params, "return_url": "http://shop.test/return"})
    assert with_return.status == "succeeded"
    assert with_return.automatic_payment_methods.enabled is True
    # Before 2023-08-16 the same call used cards only.
    old = emulator.client(stripe_version="2023-08-15")
    assert old.v1.payment_intents.create({**params, "payment_method": card(VISA).id}).status \
        == "succeeded"


def test_manual_capture_authorises_then_captures_part(stripe_client, card, event_types):
    intent = create(stripe_client, payment_method=card(VISA).id, confirm=True,
                    capture_method="manual")
    assert (intent.status, intent.amount_capturable, intent.amount_received) == \
        ("requires_capture", 2000, 0)
    assert event_types(intent.id)[-1] == "payment_intent.amount_capturable_updated"

    captured = stripe_client.v1.payment_intents.capture(intent.id, {"amount_to_capture": 1500})

    assert (captured.status, captured.amount_received, captured.amount_capturable) == \
        ("succeeded", 1500, 0)
    charge = stripe_client.v1.charges.retrieve(captured.latest_charge)
    assert (charge.captured, charge.amount_captured, charge.amount_refunded) == (True, 1500, 500)
    assert event_types(charge.id) == ["charge.succeeded", "charge.captured"]
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.payment_intents.capture(intent.id)
    assert again.value.code == "payment_intent_unexpected_state"


def test_canceling_an_authorisation_releases_it(stripe_client, card, event_types):
    intent = create(stripe_client, payment_method=card(VISA).id, confirm=True,
                    capture_method="manual")

    canceled = stripe_client.v1.payment_intents.cancel(
        intent.id, {"cancellation_reason": "requested_by_customer"})

    assert (canceled.status, canceled.cancellation_reason) == ("canceled",
                                                               "requested_by_customer")
    assert canceled.canceled_at is not None
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.refunded, charge.amount_refunded) == (True, 2000)
    assert event_types(intent.id)[-1] == "payment_intent.canceled"


def test_a_finished_intent_cannot_be_canceled_or_confirmed_again(stripe_client, card, pay):
    intent = pay(card(VISA).id)
    with pytest.raises(stripe.InvalidRequestError) as cancel:
        stripe_client.v1.payment_intents.cancel(intent.id)
    assert "status of succeeded" in cancel.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as confirm:
        stripe_client.v1.payment_intents.confirm(intent.id)
    assert "already succeeded" in confirm.value.user_message
    # Like its card errors, Stripe's other errors about an intent carry the intent.
    assert confirm.value.error.payment_intent.id == intent.id
    assert confirm.value.error.payment_intent.status == "succeeded"


def test_update_merges_metadata_and_changes_the_amount(stripe_client):
    intent = create(stripe_client, metadata={"order_id": "1", "cart": "x"})

    updated = stripe_client.v1.payment_intents.update(intent.id, {
        "amount": 2500, "metadata": {"cart": "", "coupon": "SPRING"}, "description": "Order 1"})

    assert updated.amount == 2500
    assert updated.metadata.to_dict() == {"order_id": "1", "coupon": "SPRING"}
    assert updated.description == "Order 1"


def test_the_amount_of_a_paid_intent_cannot_change(stripe_client, card, pay):
    intent = pay(card(VISA).id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.update(intent.id, {"amount": 1})
    assert refused.value.param == "amount"
    assert stripe_client.v1.payment_intents.update(
        intent.id, {"metadata": {"shipped": "yes"}}).metadata["shipped"] == "yes"


def test_a_new_card_may_be_tried_after_a_decline(stripe_client, card, pay):
    with pytest.raises(stripe.CardError) as declined:
        pay(card("4000000000000002").id)
    intent_id = declined.value.error.payment_intent.id

    retried = stripe_client.v1.payment_intents.confirm(intent_id,
                                                       {"payment_method": card(VISA).id})

    assert retried.status == "succeeded"
    assert retried.latest_charge != declined.value.error.charge
    assert retried.last_payment_error is None


def test_a_payment_method_without_customer_pays_one_intent_only(stripe_client, card, pay):
    payment_method = card(VISA).id
    pay(payment_method)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        pay(payment_method)
    assert "may not be used again" in refused.value.user_message


def test_a_customer_s_payment_method_needs_that_customer(stripe_client, card, pay):
    customer = stripe_client.v1.customers.create({"email": "ada@example.test", "name": "Ada"})
    payment_method = stripe_client.v1.payment_methods.attach(card(VISA).id,
                                                             {"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        pay(payment_method.id)
    assert customer.id in refused.value.user_message
    assert pay(payment_method.id, customer=customer.id).status == "succeeded"
    assert pay(payment_method.id, customer=customer.id).status == "succeeded"
    assert stripe_client.v1.customers.retrieve(customer.id).email == "ada@example.test"


def test_expand_replaces_ids_with_objects(stripe_client, card, pay):
    intent = pay(card(VISA).id)
    expanded = stripe_client.v1.payment_intents.retrieve(
        intent.id, {"expand": ["latest_charge", "payment_method"]})
    assert expanded.latest_charge.object == "charge"
    assert expanded.latest_charge.payment_intent == intent.id
    assert expanded.payment_method.card.last4 == "4242"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.retrieve(intent.id, {"expand": ["amount"]})
    assert refused.value.param == "expand"


@pytest.mark.invalid_stripe_params
def test_unknown_objects_and_urls_are_404(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_intents.retrieve("pi_missing")
    assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")
    assert missing.value.user_message == "No such payment_intent: 'pi_missing'"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.raw_request("get", "/v1/nothing_here")
    assert unknown.value.http_status == 404


def test_the_request_log_counts_stripe_calls_per_order(stripe_client, card, pay, emulator,
                                                       browser_client):
    intent = pay(card(VISA).id, metadata={"order_id": "17"})
    stripe_client.v1.payment_intents.retrieve(intent.id)
    stripe_client.v1.refunds.create({"payment_intent": intent.id, "amount": 100})
    pay(card(VISA).id, metadata={"order_id": "18"})

    for_order = requests.get(f"{emulator.url}/_emulator/requests",
                             params={"metadata[order_id]": "17"}).json()

    assert [(entry["method"], entry["path"]) for entry in for_order] == [
        ("POST", "/v1/payment_intents"), ("GET", f"/v1/payment_intents/{intent.id}"),
        ("POST", "/v1/refunds")]
    assert {entry["key_kind"] for entry in for_order} == {"secret"}
    created = for_order[0]
    assert (created["object_id"], created["status"], created["replayed"]) == \
        (intent.id, 200, False)
    assert created["idempotency_key"]
    browser_calls = emulator.requests_log(path="/v1/payment_methods")
    assert {entry["key_kind"] for entry in browser_calls} == {"publishable"}
    filtered = emulator.control("GET", "/requests?path_prefix=/v1/refunds")
    assert [entry["path"] for entry in filtered] == ["/v1/refunds"]


def test_intents_are_found_by_search_on_metadata_and_status(stripe_client, card, pay):
    paid = pay(card(VISA).id, metadata={"order_id": "21"})
    create(stripe_client, metadata={"order_id": "21"})
    create(stripe_client, metadata={"order_id": "22"})

    by_order = stripe_client.v1.payment_intents.search({"query": "metadata['order_id']:'21'"})
    assert len(by_order.data) == 2
    assert {intent.metadata["order_id"] for intent in by_order.data} == {"21"}
    succeeded = stripe_client.v1.payment_intents.search(
        {"query": "metadata['order_id']:'21' AND status:'succeeded'"})
    assert [intent.id for intent in succeeded.data] == [paid.id]

    first = stripe_client.v1.payment_intents.search(
        {"query": "metadata['order_id']:'21'", "limit": 1})
    assert first.has_more is True
    rest = stripe_client.v1.payment_intents.search(
        {"query": "metadata['order_id']:'21'", "limit": 1, "page": first.next_page})
    assert rest.has_more is False and rest.next_page is None
    assert {first.data[0].id, rest.data[0].id} == {intent.id for intent in by_order.data}


def test_a_search_query_outside_the_modelled_language_is_refused(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.search({"query": "amount>100"})
    assert refused.value.param == "query"


def test_intents_are_listed_newest_first_by_customer(stripe_client):
    customer = stripe_client.v1.customers.create({})
    older = create(stripe_client, customer=customer.id)
    create(stripe_client)
    newer = create(stripe_client, customer=customer.id)

    listed = stripe_client.v1.payment_intents.list({"customer": customer.id})

    assert [intent.id for intent in listed.data] == [newer.id, older.id]
    assert len(stripe_client.v1.payment_intents.list().data) == 3
