"""Every (way of paying × Stripe answer) through the one payment decision, decisions.decide.

The answers are shaped like Stripe's: PaymentIntents as the `stripe` library builds them from
JSON, and the Failures gateway.classify makes of Stripe's errors (checked against real
error objects at the end).
"""
from types import SimpleNamespace

import pytest
import stripe

from storefront.catalog import methods
from storefront.payments import decisions
from storefront.payments.decisions import Decision, Failure

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
    (CARD, intent(CARD, "canceled"), "canceled", "retry", "canceled", decisions.CANCELED),
    (BANK, intent(BANK, "canceled"), "canceled", "retry", "canceled", decisions.CANCELED),
    *[(CARD, intent(CARD, "requires_payment_method", decline(code, decline_code)),
       "failed", "retry", "declined", CARD.messages[decline_code or code])
      for code, decline_code in [
          ("card_declined", "generic_decline"), ("card_declined", "insufficient_funds"),
          ("card_declined", "lost_card"), ("card_declined", "stolen_card"),
          ("card_declined", "fraudulent"), ("card_declined", "card_velocity_exceeded"),
          ("expired_card", None), ("incorrect_cvc", None), ("incorrect_number", None),
          ("processing_error", None), ("payment_intent_authentication_failure", None)]],
    (CARD, intent(CARD, "requires_payment_method", decline("do_not_honor")),
     "failed", "retry", "declined", CARD.fallback_message),
    *[(BANK, intent(BANK, "requires_payment_method", decline(code)),
       "failed", "retry", "declined", BANK.messages[code])
      for code in ("insufficient_funds", "account_closed", "no_account", "debit_not_authorized",
                   "payment_method_microdeposit_verification_attempts_exceeded")],
    (BANK, intent(BANK, "requires_payment_method", decline("bank_account_restricted")),
     "failed", "retry", "declined", BANK.fallback_message),
    *[(method, Failure("uncertain"), None, "unavailable", None, decisions.STRIPE_UNAVAILABLE)
      for method in (CARD, BANK)],
    *[(method, Failure("failed"), None, "retry", "error", decisions.STRIPE_FAILED)
      for method in (CARD, BANK)],
    *[(method, Failure("refused"), None, "retry", "error", decisions.CARD_UNUSABLE)
      for method in (CARD, BANK)],
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


@pytest.mark.parametrize("error, kind", [
    (stripe.APIConnectionError("down"), "uncertain"),
    (stripe.RateLimitError("slow down", http_status=429), "uncertain"),
    (stripe.APIError("boom", http_status=500), "uncertain"),
    (stripe.APIError("boom", http_status=500, headers={"Idempotent-Replayed": "true"}), "failed"),
    (stripe.IdempotencyError("in flight", http_status=409), "uncertain"),
    (stripe.IdempotencyError("other parameters", http_status=400), "failed"),
    (stripe.CardError("declined", None, "card_declined", http_status=402), "refused"),
    (stripe.InvalidRequestError("no such", "payment_method", http_status=400), "refused"),
])
def test_one_replay_rule_sorts_stripe_errors(error, kind):
    from storefront.payments.gateway import classify

    assert classify(error) == kind


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
    assert (decision.order_status, decision.message) == ("failed",
                                                          CARD.messages["insufficient_funds"])
