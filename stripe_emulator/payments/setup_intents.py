"""SetupIntents: saving a customer's card or bank account for later, without paying now.

requires_payment_method → requires_confirmation → (requires_action: the card's 3-D Secure
challenge, or microdeposits for a bank account typed in by hand) → succeeded, or back to
requires_payment_method with `last_setup_error` (a declined card, a failed challenge, a bank
account that could not be verified); any unfinished one may be canceled. On success the
PaymentMethod is attached to the intent's customer (`payment_method.attached`). Events:
setup_intent.created, .requires_action, .succeeded, .setup_failed, .canceled.

Stripe verifies a card when it is set up: a card that declines is refused (402 card_error,
carrying the SetupIntent); 4000000000000341 sets up and declines only when charged. The bank
side (mandate, microdeposits) is in bank/bank_debits.py, found through debits.py.
"""
import contextlib
import copy

from ..machinery.errors import (StripeError, doc_url, invalid_param, invalid_request,
                                missing_param)
from ..machinery.events import emit
from ..machinery.params import FREE, merge_metadata
from ..machinery.store import new_id, page, random_token
from . import cards, customers, debits, mandates, payment_intents, payment_methods

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE = CONFIRMABLE
USAGES = ["off_session", "on_session"]
CANCELLATION_REASONS = ["abandoned", "duplicate", "requested_by_customer"]
# The emulated account is a US one: its SetupIntents take what takes US dollars.
ACCOUNT_CURRENCY = "usd"
PAYMENT_METHOD_OPTIONS = {
    "card": {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"},
    "us_bank_account": {"financial_connections": {"permissions": ["payment_method"],
                                                  "prefetch": [], "return_url": None},
                        "mandate_options": {}, "verification_method": "automatic"},
}
AUTHENTICATION_FAILED = (
    "The latest attempt to set up the payment method has failed because authentication failed. "
    "Provide a new payment method to attempt to set it up again.")

# What a publishable key may read of a SetupIntent (Stripe hides the rest from browsers).
PUBLISHABLE_FIELDS = (
    "id", "object", "automatic_payment_methods", "cancellation_reason", "client_secret",
    "created", "description", "last_setup_error", "livemode", "next_action", "payment_method",
    "payment_method_configuration_details", "payment_method_types", "status", "usage")

_CONFIRMATION = {
    "payment_method": None, "payment_method_data": payment_methods.DATA, "return_url": None,
    "mandate_data": mandates.DATA, "payment_method_options": None,
    "allowed_payment_method_types": None, "payment_method_types": None, "use_stripe_sdk": None,
    "confirmation_token": None,
}
CONFIRM_PARAMS = {**_CONFIRMATION, "client_secret": None, "expected_payment_method_type": None,
                  "payment_user_agent": None, "time_on_page": None, "guid": None, "muid": None,
                  "sid": None, "referrer": None, "client_attribution_metadata": None}
CREATE_PARAMS = {
    **_CONFIRMATION, "confirm": None, "customer": None, "description": None, "metadata": FREE,
    "usage": None, "automatic_payment_methods": None, "attach_to_self": None,
    "flow_directions": None, "on_behalf_of": None, "payment_method_configuration": None,
    "single_use": None, "excluded_payment_method_types": None, "customer_account": None,
}
UPDATE_PARAMS = {
    "customer": None, "description": None, "metadata": FREE, "payment_method": None,
    "payment_method_data": payment_methods.DATA, "payment_method_types": None,
    "allowed_payment_method_types": None, "payment_method_options": None,
    "attach_to_self": None, "flow_directions": None, "payment_method_configuration": None,
    "excluded_payment_method_types": None, "customer_account": None,
}
CANCEL_PARAMS = {"cancellation_reason": None}
LIST_PARAMS = {"customer": None, "payment_method": None, "created": None,
               "attach_to_self": None, "customer_account": None, "limit": None,
               "starting_after": None, "ending_before": None}
RETRIEVE_PARAMS = {"client_secret": None}
CHALLENGE_PARAMS = {"client_secret": None, "outcome": None}


def create(call, params):
    types, types_param = payment_intents.requested_types(call, params, ACCOUNT_CURRENCY)
    automatic = payment_intents.automatic_payment_methods(call, params, types_param,
                                                          "automatic")
    customer_id = params.string("customer")
    if customer_id:
        customers.find(call, customer_id)
    types = types or ["card"]
    si_id = new_id("seti")
    intent = {
        "id": si_id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": automatic,
        "cancellation_reason": None,
        "client_secret": f"{si_id}_secret_{random_token(25)}",
        "created": call.store.now(),
        "customer": customer_id,
        "description": params.string("description"),
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": params.metadata() or {},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {kind: copy.deepcopy(PAYMENT_METHOD_OPTIONS[kind])
                                   for kind in types},
        "payment_method_types": types,
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": params.choice("usage", USAGES, "off_session"),
    }
    confirm = params.boolean("confirm")
    payment_method = _payment_method(call, params)
    if confirm:
        payment_method = _check_confirmation(call, intent, params, payment_method)
    elif payment_method is not None:
        _check_usable(call, payment_method, customer_id)
    elif params.hash("payment_method_data").data:
        payment_method = payment_methods.create(call, params.hash("payment_method_data"))
    if payment_method is not None:
        intent.update(payment_method=payment_method["id"], status="requires_confirmation")
    call.store.add(intent, return_url=params.string("return_url"))
    emit(call, "setup_intent.created", intent)
    if confirm:
        with carried_by(intent):
            _confirm(call, intent, payment_method, params)
    return intent


def retrieve(call, si_id, params):
    return intent_for(call, si_id, params, secret_required=call.publishable)


def list_intents(call, params):
    customer, payment_method = params.string("customer"), params.string("payment_method")
    found = [intent for intent in call.store.newest_first("setup_intent")
             if customer in (None, intent["customer"])
             and payment_method in (None, intent["payment_method"])]
    return page(found, params, "/v1/setup_intents")


def update(call, si_id, params):
    intent = call.store.get("setup_intent", si_id)
    with carried_by(intent):
        if intent["status"] not in CONFIRMABLE:
            raise _unexpected_state(
                f"You cannot update this SetupIntent because it has a status of "
                f"{intent['status']}. You may only update a SetupIntent with one of the "
                f"following statuses: {', '.join(CONFIRMABLE)}.")
        types, _ = payment_intents.requested_types(call, params, ACCOUNT_CURRENCY)
        customer_id = params.string("customer", default=intent["customer"])
        if customer_id:
            customers.find(call, customer_id)
        metadata = merge_metadata(intent["metadata"], params.metadata())
        payment_method = _payment_method(call, params)
        if payment_method is not None:
            _check_usable(call, payment_method, customer_id)
        elif params.hash("payment_method_data").data:
            payment_method = payment_methods.create(call, params.hash("payment_method_data"))
        intent.update(customer=customer_id, metadata=metadata)
        if "description" in params:
            intent["description"] = params.string("description")
        if types:
            intent["payment_method_types"] = types
            intent["payment_method_options"] = {
                kind: copy.deepcopy(PAYMENT_METHOD_OPTIONS[kind]) for kind in types}
        if payment_method is not None:
            intent.update(payment_method=payment_method["id"], status="requires_confirmation",
                          next_action=None)
        return intent


def confirm(call, si_id, params):
    intent = intent_for(call, si_id, params, secret_required=call.publishable)
    with carried_by(intent):
        if intent["status"] not in CONFIRMABLE:
            if intent["status"] == "succeeded":
                raise _unexpected_state("You cannot confirm this SetupIntent because it has "
                                        "already succeeded.")
            raise _unexpected_state(
                f"You cannot confirm this SetupIntent because it has a status of "
                f"{intent['status']}. Only a SetupIntent with one of the following statuses "
                f"may be confirmed: {', '.join(CONFIRMABLE)}.")
        types, _ = payment_intents.requested_types(call, params, ACCOUNT_CURRENCY)
        if types:
            intent["payment_method_types"] = types
        payment_method = _check_confirmation(call, intent, params, _payment_method(call, params))
        if params.string("return_url"):
            call.store.private[si_id]["return_url"] = params.string("return_url")
        _confirm(call, intent, payment_method, params)
        return intent


def cancel(call, si_id, params):
    intent = call.store.get("setup_intent", si_id)
    with carried_by(intent):
        reason = params.choice("cancellation_reason", CANCELLATION_REASONS)
        if intent["status"] not in CANCELABLE:
            raise _unexpected_state(
                f"You cannot cancel this SetupIntent because it has a status of "
                f"{intent['status']}. Only a SetupIntent with one of the following statuses may "
                f"be canceled: {', '.join(CANCELABLE)}.")
        intent.update(status="canceled", cancellation_reason=reason, next_action=None)
        emit(call, "setup_intent.canceled", intent)
        return intent


def three_ds_challenge(call, si_id, params):
    """The bank's answer to the card's 3-D Secure challenge (the emulator's own endpoint, as
    for PaymentIntents): `complete` finishes the setup, `fail` returns the intent to
    requires_payment_method with setup_intent_authentication_failure."""
    intent = intent_for(call, si_id, params, secret_required=True)
    with carried_by(intent):
        outcome = params.choice("outcome", ["complete", "fail"])
        if outcome is None:
            raise missing_param("outcome")
        answer_challenge(call, intent, outcome)
        return intent


def answer_challenge(call, intent, outcome):
    """`complete` or `fail` the card's challenge (the modal's, or the redirect page's)."""
    action = intent["next_action"] or {}
    if intent["status"] != "requires_action" or \
            action.get("type") not in ("use_stripe_sdk", "redirect_to_url"):
        raise _unexpected_state(f"This SetupIntent is not awaiting 3-D Secure "
                                f"authentication: it has a status of {intent['status']}.")
    payment_method = call.store.get("payment_method", intent["payment_method"])
    if outcome == "fail":
        fail(call, intent, payment_method, {
            "code": "setup_intent_authentication_failure",
            "doc_url": doc_url("setup_intent_authentication_failure"),
            "message": AUTHENTICATION_FAILED,
            "type": "invalid_request_error",
        })
        return
    payment_methods.mark_set_up(call, payment_method["id"])
    _verify_card(call, intent, payment_method)


def for_publishable(intent):
    return {name: intent[name] for name in PUBLISHABLE_FIELDS}


def intent_for(call, si_id, params, *, secret_required):
    """The intent, once the client_secret (needed with a publishable key) matches."""
    intent = call.store.get("setup_intent", si_id)
    secret = params.string("client_secret")
    if secret is None and secret_required:
        raise missing_param("client_secret")
    if secret is not None and secret != intent["client_secret"]:
        raise invalid_param("The client_secret provided does not match the client_secret "
                            "associated with the SetupIntent.", param="client_secret")
    return intent


@contextlib.contextmanager
def carried_by(intent):
    """Stripe's errors about a SetupIntent carry it (in `error.setup_intent`)."""
    try:
        yield
    except StripeError as error:
        error.payment_intent = error.payment_intent or intent
        raise


def require_action(call, intent, next_action):
    intent.update(status="requires_action", next_action=next_action)
    emit(call, "setup_intent.requires_action", intent)


def succeed(call, intent, payment_method):
    """Set up: the method is the customer's from now on."""
    intent.update(status="succeeded", next_action=None, last_setup_error=None)
    if intent["customer"]:
        payment_methods.attach_to(call, payment_method["id"], intent["customer"])
    emit(call, "setup_intent.succeeded", intent)


def fail(call, intent, payment_method, error):
    """Back to requires_payment_method, the attempt's error in `last_setup_error`."""
    intent.update(status="requires_payment_method", payment_method=None, next_action=None,
                  last_setup_error={**error, "payment_method": copy.deepcopy(payment_method)})
    emit(call, "setup_intent.setup_failed", intent)


def _payment_method(call, params):
    payment_method_id = params.string("payment_method")
    return payment_methods.find(call, payment_method_id) if payment_method_id else None


def _check_usable(call, payment_method, customer_id):
    if payment_method["customer"] and payment_method["customer"] != customer_id:
        raise invalid_param(f"The provided PaymentMethod belongs to Customer "
                            f"{payment_method['customer']}. Please include the Customer in "
                            "the `customer` parameter on the SetupIntent.",
                            param="payment_method")
    private = call.store.private[payment_method["id"]]
    if not payment_method["customer"] and (private["used_by"] or private.get("detached")):
        raise invalid_param(payment_methods.REUSED, param="payment_method")


def _check_confirmation(call, intent, params, payment_method):
    """Everything Stripe refuses before a confirmation starts; returns the PaymentMethod."""
    automatic = intent["automatic_payment_methods"]
    return_url = params.string("return_url") or \
        call.store.private.get(intent["id"], {}).get("return_url")
    if automatic and automatic["allow_redirects"] != "never" and not return_url:
        raise invalid_param(payment_intents.RETURN_URL_REQUIRED)
    if payment_method is None and params.hash("payment_method_data").data:
        payment_method = payment_methods.create(call, params.hash("payment_method_data"))
    if payment_method is None and intent["payment_method"]:
        payment_method = call.store.get("payment_method", intent["payment_method"])
    if payment_method is None:
        raise _unexpected_state(
            "You cannot confirm this SetupIntent because it's missing a payment method. You can "
            "either update the SetupIntent with a payment method and then confirm it again, or "
            "confirm it again directly with a payment method.")
    if payment_method["type"] not in intent["payment_method_types"]:
        raise invalid_param(
            f"The PaymentMethod provided ({payment_method['type']}) is not allowed for this "
            f"SetupIntent. Please attach a PaymentMethod of one of the following types: "
            f"{', '.join(intent['payment_method_types'])}.", param="payment_method")
    if payment_method["id"] != intent["payment_method"] or payment_method["customer"]:
        _check_usable(call, payment_method, intent["customer"])
    return payment_method


def _confirm(call, intent, payment_method, params):
    intent.update(payment_method=payment_method["id"], last_setup_error=None, next_action=None)
    bank = debits.handler(payment_method["type"])  # us_bank_account: bank/bank_debits.py
    if bank is not None:
        bank.setup(call, intent, payment_method, params)
        return
    number = payment_methods.card_number(call, payment_method["id"])
    # A challenge asked for when the card is saved; the saved card then carries the result.
    if cards.behaviour(number).three_d_secure:
        require_action(call, intent, _challenge(call, intent, params))
        return
    _verify_card(call, intent, payment_method)
    if intent["last_setup_error"]:
        error = intent["last_setup_error"]
        raise StripeError(402, "card_error", error["message"], code=error["code"],
                          decline_code=error.get("decline_code"),
                          payment_method=error["payment_method"], payment_intent=intent)


def _challenge(call, intent, params):
    """Stripe.js handles the challenge in a modal (`use_stripe_sdk`); a server that confirms
    with a `return_url` and without `use_stripe_sdk` sends the customer to the bank's page."""
    return_url = call.store.private[intent["id"]].get("return_url")
    if return_url and not call.publishable and not params.boolean("use_stripe_sdk"):
        return {"type": "redirect_to_url", "redirect_to_url": {
            "return_url": return_url, "url": setup_redirect_url(call, intent)}}
    return {"type": "use_stripe_sdk", "use_stripe_sdk": {
        "type": "three_d_secure_redirect",
        "stripe_js": f"{call.base_url}/three-ds/challenge/{intent['id']}"
                     f"?client_secret={intent['client_secret']}",
        "source": new_id("src"),
    }}


def setup_redirect_url(call, intent):
    """The address of the bank's page (setup_redirect.py serves it)."""
    return f"{call.base_url}/three-ds/redirect/{intent['id']}" \
        f"?client_secret={intent['client_secret']}"


def _verify_card(call, intent, payment_method):
    """Stripe checks the card with its issuer when it is set up."""
    card = cards.behaviour(payment_methods.card_number(call, payment_method["id"]))
    if card.attaches:
        succeed(call, intent, payment_method)
        return
    decline = card.decline
    fail(call, intent, payment_method, {
        "code": decline.code, "decline_code": decline.decline_code,
        "doc_url": doc_url(decline.code), "message": decline.message, "type": "card_error"})


def _unexpected_state(message):
    return invalid_request(message, code="setup_intent_unexpected_state")
