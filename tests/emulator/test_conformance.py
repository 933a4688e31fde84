"""The conformance check (tests/conformance.py) itself: it passes the local Stripe's answers as
they are, and fails one that lost a field, gained an unknown one, or holds a wrong type."""
import pytest
import stripe

from stripe_emulator import create_app
from tests.conformance import Recorder, check
from tests.servers import LiveServer

KEY = "sk_test_conformance"


@pytest.fixture
def recorded():
    """A local Stripe of its own behind a Recorder of its own: (recorder, client, emulator)."""
    recorder = Recorder()
    app = recorder.wrap(create_app())
    with LiveServer(app) as server:
        yield recorder, stripe.StripeClient(KEY, base_addresses={"api": server.url}), \
            app.extensions["stripe_emulator"]
    app.extensions["stripe_emulator"].close()


def pay(client):
    payment_method = client.v1.payment_methods.create({"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    return client.v1.payment_intents.create({
        "amount": 2000, "currency": "usd", "payment_method": payment_method.id,
        "allowed_payment_method_types": ["card"], "confirm": True})


def test_the_local_stripes_answers_conform(recorded):
    recorder, client, _ = recorded
    intent = pay(client)
    client.v1.refunds.create({"payment_intent": intent.id, "amount": 500})
    client.v1.charges.retrieve(intent.latest_charge, {"expand": ["refunds"]})
    client.v1.events.list({"limit": 100})
    assert len(recorder.answers) == 5
    assert recorder.problems() == []


def test_a_removed_field_an_unknown_field_and_a_wrong_type_fail(recorded):
    recorder, client, emulator = recorded
    intent = pay(client)
    stored = emulator.store.objects[intent.id]
    del stored["amount_received"]           # required by the library's class
    del stored["description"]               # Optional, but Stripe always sends it
    stored["colour"] = "red"                # no such field
    stored["currency"] = 840                # a string in Stripe's schema
    stored["livemode"] = "false"            # a boolean in Stripe's schema
    emulator.store.objects[intent.latest_charge]["payment_method_details"]["card"][
        "exp_year"] = "2034"                  # nested: an integer in Stripe's schema
    client.v1.payment_intents.retrieve(intent.id, {"expand": ["latest_charge"]})
    problems = [problem.split(": ", 1)[1] for problem in recorder.problems()]
    assert problems == sorted([
        "$.amount_received: missing from PaymentIntent",
        "$.description: missing from PaymentIntent",
        "$.colour: unknown field of PaymentIntent",
        "$.currency: expected str, got int 840",
        "$.livemode: expected bool, got str 'false'",
        "$.latest_charge.payment_method_details.card.exp_year: expected int, got str '2034'",
    ])


def test_fields_of_older_versions_pass_only_in_those_versions(recorded):
    recorder, client, _ = recorded
    intent = pay(client).to_dict()
    old_shape = {**{k: v for k, v in intent.items() if k != "latest_charge"},
                 "charges": {"object": "list", "data": [], "has_more": False,
                             "url": "/v1/charges"}}
    assert check(old_shape, "2022-08-01") == []
    assert check(old_shape, "2022-11-15") == ["$.charges: unknown field of PaymentIntent",
                                              "$.latest_charge: missing from PaymentIntent"]
