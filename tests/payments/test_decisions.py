"""Every (way of paying × Stripe answer) through the one payment decision, decisions.decide.

The answers are shaped like Stripe's: PaymentIntents as the `stripe` library builds them from
JSON, and the Failures gateway.classify makes of Stripe's errors (checked against real
error objects at the end).
"""
from types import SimpleNamespace

import pytest
import requests
import stripe

from storefront.catalog import methods
from storefront.payments import decisions
from storefront.payments.decisions import Decision, Failure
from tests.helpers import card
from tests.waiting import wait_for

CARD, BANK = methods.CARD, methods.US_BANK_ACCOUNT
ORDER_TOTAL = 2500


def order(status="pending", intent_id="pi_1"):
    attempt = SimpleNamespace(payment_intent_id=intent_id, payment_method="pm_card")
    return SimpleNamespace(status=status, total=ORDER_TOTAL, currency="USD", last_error=None,
                           payment_intent_id=intent_id, attempts=[attempt])


def intent(method, status, error=None, next_action=None, **extra):
    data = {"id": "pi_1", "object": "payment_intent", "status": status, "amount": ORDER_TOTAL,
            "currency": "usd", "client_secret": "pi_1_secret_x", "payment_method_types": [method.name],
            "last_payment_error": error, "next_action": next_action, "payment_method": "pm_card"}
    return stripe.PaymentIntent.construct_from(data | extra, "sk_test_x")


def decline(code, decline_code=None):
    return {"type": "card_error", "code": code, "decline_code": decline_code, "message": "x"}


MICRODEPOSITS = {"type": "verify_with_microdeposits", "verify_with_microdeposits": {
    "hosted_verification_url": "https://payments.example/verify", "microdeposit_type": "amounts"}}
THREE_DS = {"type": "use_stripe_sdk"}

# What the customer reads, written out here rather than taken from the tables the code reads.
DECLINED = "Your card was declined. Please use another card."
CANCELED = "This payment was canceled."
UNAVAILABLE = ("We could not reach our payment provider. You have not been charged twice: "
               "please press Pay again in a moment.")
FAILED = ("Our payment provider could not take the payment, and you have not been charged. "
          "Please press Pay again.")

# (method, Stripe's answer) → (the order's transition, the browser's next step, the attempt's
# outcome, the customer's message)
TABLE = [
    (CARD, intent(CARD, "succeeded"), "paid", "receipt", "succeeded", None),
    (BANK, intent(BANK, "succeeded"), "paid", "receipt", "succeeded", None),
    (CARD, intent(CARD, "processing"), "processing", "receipt", "processing", None),
    (BANK, intent(BANK, "processing"), "processing", "receipt", "processing", None),
    (CARD, intent(CARD, "requires_capture"), "processing", "receipt", "processing", None),
    (CARD, intent(CARD, "requires_action", next_action=THREE_DS),
     "requires_action", "authenticate", "requires_action", None),
    (CARD, intent(CARD, "requires_confirmation"),
     "requires_action", "authenticate", "requires_action", None),
    (BANK, intent(BANK, "requires_action", next_action=MICRODEPOSITS),
     "requires_action", "verify", "requires_action", None),
    (BANK, intent(BANK, "requires_payment_method"), "pending", "collect", "created", None),
    (CARD, intent(CARD, "canceled"), "canceled", "retry", "canceled", CANCELED),
    (BANK, intent(BANK, "canceled"), "canceled", "retry", "canceled", CANCELED),
    *[(CARD, intent(CARD, "requires_payment_method", decline(code, decline_code)),
       "failed", "retry", "declined", message)
      for code, decline_code, message in [
          ("card_declined", "generic_decline", DECLINED),
          ("card_declined", "insufficient_funds",
           "Your card has insufficient funds. Try another card."),
          ("card_declined", "lost_card", DECLINED), ("card_declined", "stolen_card", DECLINED),
          ("card_declined", "fraudulent", DECLINED),
          ("card_declined", "card_velocity_exceeded", "Your card was declined because of too "
           "many recent payments. Try again later or use another card."),
          ("expired_card", None,
           "Your card has expired. Check the expiry date or use another card."),
          ("incorrect_cvc", None, "The security code (CVC) is incorrect. Check it and try again."),
          ("incorrect_number", None, "The card number is incorrect. Check it and try again."),
          ("processing_error", None, "Your bank could not process the payment. Please try again."),
          ("payment_intent_authentication_failure", None, "We couldn't verify the payment with "
           "your bank (3-D Secure). Try again, or use another card.")]],
    (CARD, intent(CARD, "requires_payment_method", decline("do_not_honor")),
     "failed", "retry", "declined",
     "Your payment did not go through. Please try again or use another card."),
    *[(BANK, intent(BANK, "requires_payment_method", decline(code)),
       "failed", "retry", "declined", message)
      for code, message in [
          ("insufficient_funds", "Your bank account did not have enough funds for this payment. "
           "Pay by card, or try again later."),
          ("account_closed", "That bank account is closed. Pay by card or use another account."),
          ("no_account", "Your bank could not find that account. Check the numbers, or pay by card."),
          ("debit_not_authorized",
           "Your bank refused the debit. Pay by card or use another account."),
          ("payment_method_microdeposit_verification_attempts_exceeded",
           "The bank account could not be verified. Pay by card or use another account.")]],
    (BANK, intent(BANK, "requires_payment_method", decline("bank_account_restricted")),
     "failed", "retry", "declined", "The payment from your bank account did not go through. "
     "Pay by card, or try another account."),
    *[(method, Failure("uncertain"), None, "unavailable", None, UNAVAILABLE)
      for method in (CARD, BANK)],
    *[(method, Failure("failed"), None, "retry", "error", FAILED) for method in (CARD, BANK)],
    *[(method, Failure("refused"), None, "retry", "error",
       "This card could not be used. Please try another card.") for method in (CARD, BANK)],
]


@pytest.mark.parametrize("method, answer, status, next_step, outcome, message", TABLE,
                         ids=lambda value: getattr(value, "name", None) or getattr(value, "status", None))
def test_every_answer_has_one_meaning(method, answer, status, next_step, outcome, message):
    decision = decisions.decide(order(), answer)
    assert (decision.order_status, decision.next, decision.attempt_outcome, decision.message) == (
        status, next_step, outcome, message)
    assert decision.flag is None and not decision.refund
    if next_step in ("authenticate", "verify", "collect"):
        assert decision.client_secret == "pi_1_secret_x"
    if next_step == "verify":
        assert decision.verify_url == "https://payments.example/verify"


@pytest.mark.parametrize("method", [CARD, BANK], ids=lambda m: m.name)
def test_a_succeeded_intent_that_is_not_the_orders_is_not_applied(method):
    stranger = intent(method, "succeeded", id="pi_stranger", payment_method="pm_other")
    decision = decisions.decide(order(), stranger)
    assert decision.order_status is None and "not one of this order's payments" in decision.flag


@pytest.mark.parametrize("amount, currency", [(ORDER_TOTAL - 1, "usd"), (ORDER_TOTAL, "eur")])
def test_a_success_for_another_amount_or_currency_is_not_applied(amount, currency):
    decision = decisions.decide(order(), intent(CARD, "succeeded", amount=amount, currency=currency))
    assert decision.order_status is None and "not applied" in decision.flag


def test_a_lost_answer_is_recognised_by_the_payment_method_its_attempt_sent():
    waiting = order(intent_id=None)
    decision = decisions.decide(waiting, intent(CARD, "succeeded", id="pi_found"))
    assert (decision.order_status, decision.adopt, decision.flag) == ("paid", True, None)


def test_a_lost_bank_intent_is_recognised_by_its_attempts_method():
    waiting = order(intent_id=None)
    waiting.attempts = [SimpleNamespace(payment_intent_id=None, payment_method="", method="us_bank_account")]
    found = intent(BANK, "requires_payment_method", id="pi_found", payment_method=None)
    assert decisions.decide(waiting, found).next == "collect"
    waiting.attempts[0].method = "card"
    assert decisions.decide(waiting, found).flag


def test_a_second_payment_for_a_paid_order_is_given_back():
    paid = order(status="paid")
    paid.attempts.append(SimpleNamespace(payment_intent_id="pi_2", payment_method="pm_two"))
    decision = decisions.decide(paid, intent(CARD, "succeeded", id="pi_2"))
    assert decision == Decision(None, "receipt", refund=True)


def test_an_earlier_attempts_decline_does_not_speak_for_the_order():
    moved_on = order(status="processing", intent_id="pi_2")
    moved_on.attempts.append(SimpleNamespace(payment_intent_id="pi_1", payment_method="pm_card"))
    decision = decisions.decide(moved_on, intent(CARD, "requires_payment_method", decline("card_declined")))
    assert decision == Decision(None, "receipt")


def stripe_error(call):
    try:
        call()
    except stripe.StripeError as error:
        return error
    raise AssertionError("Stripe answered")


def create(client, key, payment_method, amount=2500):
    return client.payment_intents.create(
        {"amount": amount, "currency": "usd", "payment_method": payment_method,
         "allowed_payment_method_types": ["card"], "confirm": True}, {"idempotency_key": key})


@pytest.fixture
def errors(local_stripe, faults):
    """Stripe's answers as stripe-python 16 raises them, from the local Stripe (no retries)."""
    import threading
    import uuid

    client = stripe.StripeClient("sk_test_testing", base_addresses={"api": local_stripe.url},
                                 max_network_retries=0,
                                 http_client=stripe.RequestsClient(timeout=5)).v1
    visa, declined = card(client), card(client, "4000000000000002")
    made = {}
    faults("drop")
    made["no answer"] = stripe_error(lambda: create(client, uuid.uuid4().hex, visa))
    faults("429")
    made["429"] = stripe_error(lambda: create(client, uuid.uuid4().hex, visa))
    key = uuid.uuid4().hex
    faults("500")
    made["500"] = stripe_error(lambda: create(client, key, visa))
    made["500 replayed"] = stripe_error(lambda: create(client, key, visa))
    key = uuid.uuid4().hex
    faults("delay", delay_ms=1500)
    first = threading.Thread(target=lambda: create(client, key, visa))
    first.start()
    wait_for(lambda: not requests.get(f"{local_stripe.url}/_emulator/faults").json(),
             "the first request holding the key")
    made["409 key in use"] = stripe_error(lambda: create(client, key, visa))
    first.join()
    made["key with other parameters"] = stripe_error(lambda: create(client, key, visa, amount=2600))
    made["card declined"] = stripe_error(lambda: create(client, uuid.uuid4().hex, declined))
    made["no such payment method"] = stripe_error(
        lambda: create(client, uuid.uuid4().hex, "pm_nonexistent"))
    return made


# What each answer is (the class stripe-python 16 raises it as), and what it means for a retry.
REPLAY_RULE = [
    ("no answer", stripe.APIConnectionError, "uncertain"),
    ("429", stripe.RateLimitError, "uncertain"),
    ("500", stripe.APIError, "uncertain"),
    ("500 replayed", stripe.APIError, "failed"),
    # Any 409 is an APIError to stripe-python, not an IdempotencyError.
    ("409 key in use", stripe.APIError, "uncertain"),
    # The first request with the key may have charged: never "you have not been charged".
    ("key with other parameters", stripe.IdempotencyError, "uncertain"),
    ("card declined", stripe.CardError, "refused"),
    ("no such payment method", stripe.InvalidRequestError, "refused"),
]


def test_one_replay_rule_sorts_stripe_errors_as_the_library_raises_them(errors):
    from storefront.payments.gateway import classify

    assert [(name, type(errors[name]), classify(errors[name])) for name, _, _ in REPLAY_RULE] \
        == REPLAY_RULE
    assert errors["409 key in use"].http_status == 409
    assert errors["key with other parameters"].http_status == 400


def test_fees_follow_stripes_us_schedule():
    assert (CARD.fee.of(2500), CARD.fee.of(100_000)) == (103, 2930)
    assert (BANK.fee.of(2500), BANK.fee.of(100_000)) == (20, 500)


def test_a_decline_reported_before_the_lost_answer_is_asked_again_is_the_orders():
    # The attempt's answer was lost, so its PaymentIntent is not on record yet; a declined
    # intent no longer carries its PaymentMethod, only its last error does. The report is the
    # order's decline, not a stranger's payment to flag for the merchant.
    lost = SimpleNamespace(payment_intent_id=None, payment_method="pm_card", method="card")
    pending = SimpleNamespace(status="pending", total=ORDER_TOTAL, currency="USD",
                              last_error=None, payment_intent_id=None, attempts=[lost])
    error = decline("card_declined", "insufficient_funds") | {"payment_method": {"id": "pm_card"}}
    report = intent(CARD, "requires_payment_method", error, payment_method=None, id="pi_lost")
    decision = decisions.decide(pending, report)
    assert decision.flag is None
    assert (decision.order_status, decision.message) == (
        "failed", "Your card has insufficient funds. Try another card.")
