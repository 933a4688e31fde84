"""Which payment methods a payment takes, in each API version's words (versions.py):
`payment_method_types` until 2026-09-30.endive, which refuses it; `allowed_payment_method_types`
from 2026-07-29.dahlia, a filter shown in the object's read-only `payment_method_types`."""
import pytest
import stripe

from stripe_emulator.machinery import versions

VISA = "4242424242424242"
CLOVER = "2025-09-30.clover"
DAHLIA = "2026-07-29.dahlia"          # allowed_payment_method_types arrives
BEFORE_ENDIVE = "2026-09-29"
ENDIVE = "2026-09-30.endive"          # payment_method_types goes
LINE_ITEMS = [{"price_data": {"currency": "usd", "unit_amount": 2500,
                              "product_data": {"name": "Notebook"}}, "quantity": 1}]
SESSION = {"mode": "payment", "line_items": LINE_ITEMS,
           "success_url": "http://shop.test/paid", "cancel_url": "http://shop.test/back"}


def intent(client, **params):
    return client.v1.payment_intents.create({"amount": 2000, "currency": "usd", **params})


def test_the_default_version_is_the_one_the_pinned_library_speaks():
    assert versions.DEFAULT_API_VERSION == stripe._api_version._ApiVersion.CURRENT


def test_every_change_names_its_changelog_entry():
    for change in versions.CHANGES:
        assert change.changelog.startswith(("https://docs.stripe.com/changelog/",
                                            "https://docs.stripe.com/upgrades#")), change.name


@pytest.mark.invalid_stripe_params
@pytest.mark.parametrize("version", [ENDIVE, "2026-10-28.endive"])
def test_from_endive_payment_method_types_is_refused_on_every_intent_call(emulator, card,
                                                                          version):
    client = emulator.client(stripe_version=version)
    for call in (lambda: intent(client, payment_method_types=["card"]),
                 lambda: client.v1.checkout.sessions.create(
                     {**SESSION, "payment_method_types": ["card"]})):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            call()
        assert refused.value.http_status == 400
        assert refused.value.code == "payment_method_types_no_longer_supported"
        assert refused.value.param == "payment_method_types"
    made = intent(client, allowed_payment_method_types=["card"])
    for call in (lambda: client.v1.payment_intents.update(
                     made.id, {"payment_method_types": ["card"]}),
                 lambda: client.v1.payment_intents.confirm(
                     made.id, {"payment_method": card(VISA).id,
                               "payment_method_types": ["card"]})):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            call()
        assert refused.value.code == "payment_method_types_no_longer_supported"


def test_before_endive_payment_method_types_is_the_list_itself(emulator):
    client = emulator.client(stripe_version=BEFORE_ENDIVE)
    made = intent(client, payment_method_types=["us_bank_account"])
    assert made.payment_method_types == ["us_bank_account"]
    session = client.v1.checkout.sessions.create({**SESSION, "payment_method_types": ["card"]})
    assert session.payment_method_types == ["card"]


@pytest.mark.invalid_stripe_params
@pytest.mark.parametrize("version", [CLOVER, "2026-07-28"])
def test_before_dahlia_allowed_payment_method_types_is_unknown(emulator, version):
    client = emulator.client(stripe_version=version)
    for call in (lambda: intent(client, allowed_payment_method_types=["card"]),
                 lambda: client.v1.checkout.sessions.create(
                     {**SESSION, "allowed_payment_method_types": ["card"]})):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            call()
        assert refused.value.code == "parameter_unknown"
        assert refused.value.user_message == \
            "Received unknown parameter: allowed_payment_method_types"


@pytest.mark.parametrize("version", [DAHLIA, ENDIVE])
def test_allowed_payment_method_types_filters_and_shows_in_payment_method_types(emulator,
                                                                                version):
    client = emulator.client(stripe_version=version)
    # Filtered silently: a type the account has not turned on, or the currency does not take.
    euros = client.v1.payment_intents.create({
        "amount": 2000, "currency": "eur",
        "allowed_payment_method_types": ["klarna", "card", "us_bank_account"]})
    assert euros.payment_method_types == ["card"]
    assert euros.automatic_payment_methods is None
    dollars = intent(client, allowed_payment_method_types=["us_bank_account", "card"])
    assert dollars.payment_method_types == ["card", "us_bank_account"]
    bank = intent(client, allowed_payment_method_types=["us_bank_account"])
    assert bank.payment_method_types == ["us_bank_account"]
    session = client.v1.checkout.sessions.create(
        {**SESSION, "allowed_payment_method_types": ["card", "us_bank_account"]})
    assert session.payment_method_types == ["card", "us_bank_account"]
    # Nothing left after the filter is refused.
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.create({"amount": 2000, "currency": "eur",
                                          "allowed_payment_method_types": ["us_bank_account"]})
    assert refused.value.param == "allowed_payment_method_types"


@pytest.mark.invalid_stripe_params
def test_allowed_payment_method_types_takes_no_automatic_payment_methods(emulator):
    client = emulator.client(stripe_version=ENDIVE)
    for automatic in ({"enabled": True}, {"enabled": True, "allow_redirects": "never"}):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            intent(client, allowed_payment_method_types=["card"],
                   automatic_payment_methods=automatic)
        assert refused.value.code == "parameters_exclusive"
        assert "allowed_payment_method_types" in refused.value.user_message


def test_a_card_payment_with_allowed_types_needs_no_return_url(emulator, card):
    """Naming the types turns automatic payment methods off, as payment_method_types did."""
    client = emulator.client(stripe_version=ENDIVE)
    paid = intent(client, allowed_payment_method_types=["card"], payment_method=card(VISA).id,
                  confirmation_method="manual", confirm=True)
    assert paid.status == "succeeded"
    # Saying nothing still turns automatic payment methods on (2023-08-16), return_url rule kept.
    with pytest.raises(stripe.InvalidRequestError, match="return_url"):
        intent(client, payment_method=card(VISA).id, confirm=True)


def test_confirm_may_narrow_the_allowed_types(emulator, card):
    client = emulator.client(stripe_version=ENDIVE)
    made = intent(client, allowed_payment_method_types=["card", "us_bank_account"])
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.confirm(made.id, {
            "payment_method": card(VISA).id,
            "allowed_payment_method_types": ["us_bank_account"]})
    assert refused.value.param == "payment_method"


# ---- Stripe's test PaymentMethods and tokens -------------------------------------------------

@pytest.mark.parametrize("test_method, brand, last4", [
    ("pm_card_visa", "visa", "4242"),
    ("pm_card_mastercard", "mastercard", "4444"),
    ("pm_card_amex", "amex", "0005"),
])
def test_test_payment_methods_pay_as_their_cards(emulator, test_method, brand, last4):
    client = emulator.client()
    paid = intent(client, allowed_payment_method_types=["card"], payment_method=test_method,
                  confirmation_method="manual", confirm=True)
    assert paid.status == "succeeded"
    assert paid.payment_method.startswith("pm_") and paid.payment_method != test_method
    card = client.v1.payment_methods.retrieve(paid.payment_method).card
    assert (card.brand, card.last4) == (brand, last4)


@pytest.mark.parametrize("test_method, decline_code", [
    ("pm_card_chargeDeclined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
])
def test_test_payment_methods_decline_as_their_cards(emulator, test_method, decline_code):
    with pytest.raises(stripe.CardError) as declined:
        intent(emulator.client(), allowed_payment_method_types=["card"],
               payment_method=test_method, confirm=True)
    assert (declined.value.code, declined.value.error.decline_code) == \
        ("card_declined", decline_code)


@pytest.mark.parametrize("test_method", ["pm_card_threeDSecure2Required",
                                         "pm_card_authenticationRequired"])
def test_test_payment_methods_ask_for_3d_secure_as_their_cards(emulator, test_method):
    made = intent(emulator.client(), allowed_payment_method_types=["card"],
                  payment_method=test_method, confirmation_method="manual", confirm=True)
    assert made.status == "requires_action"
    assert made.next_action.type == "use_stripe_sdk"


def test_a_test_payment_method_can_be_used_again_and_again(emulator):
    client = emulator.client()
    first, second = (intent(client, allowed_payment_method_types=["card"],
                            payment_method="pm_card_visa", confirm=True) for _ in range(2))
    assert first.status == second.status == "succeeded"
    assert first.payment_method != second.payment_method


@pytest.mark.parametrize("token, brand, outcome", [
    ("tok_visa", "visa", "succeeded"),
    ("tok_mastercard", "mastercard", "succeeded"),
    ("tok_chargeDeclined", "visa", "generic_decline"),
    ("tok_chargeDeclinedInsufficientFunds", "visa", "insufficient_funds"),
])
def test_test_tokens_make_payment_methods_of_their_cards(emulator, token, brand, outcome):
    client = emulator.client()
    payment_method = client.v1.payment_methods.create({"type": "card", "card": {"token": token}})
    assert payment_method.card.brand == brand
    try:
        paid = intent(client, allowed_payment_method_types=["card"],
                      payment_method=payment_method.id, confirm=True)
        assert paid.status == outcome
    except stripe.CardError as declined:
        assert declined.error.decline_code == outcome


def test_an_unknown_test_token_is_not_found(emulator):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        emulator.client().v1.payment_methods.create({"type": "card",
                                                     "card": {"token": "tok_nope"}})
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
