"""PaymentIntents: Stripe's payment state machine, driven by the test card behind each attempt.

requires_payment_method → requires_confirmation → (requires_action → 3-D Secure challenge) →
succeeded | requires_capture → succeeded, or back to requires_payment_method on a decline; any
unfinished intent may be canceled. Every change of state emits its event. Bank debits
(us_bank_account) go through processing instead, in bank/bank_debits.py (found through debits.py).
"""
import contextlib
import copy

from ..machinery import search, versions
from ..machinery.errors import StripeError, doc_url, invalid_param, missing_param, unexpected_state
from ..machinery.events import emit
from ..machinery.params import FREE, merge_metadata
from ..machinery.store import new_id, page, random_token
from . import cards, charges, customers, debits, mandates, payment_methods, refunds, shipping
from .currencies import check_charge_amount, currency, format_amount

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action", "processing")
FUTURE_USAGES = ["off_session", "on_session"]
CANCELLATION_REASONS = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]
CAPTURE_METHODS = ["automatic", "automatic_async", "manual"]
# The emulated account has cards and ACH Direct Debit activated.
ACTIVATED_TYPES = ("card", "us_bank_account")
# ACH Direct Debit takes US dollars only.
TYPE_CURRENCIES = {"us_bank_account": ("usd",)}
PAYMENT_METHOD_OPTIONS = {
    "card": {"installments": None, "mandate_options": None, "network": None,
             "request_three_d_secure": "automatic"},
    "us_bank_account": {"financial_connections": {"permissions": ["payment_method"],
                                                  "prefetch": [], "return_url": None},
                        "mandate_options": {}, "verification_method": "automatic"},
}

AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data "
    "or a new PaymentMethod to attempt to fulfill this PaymentIntent again.")
RETURN_URL_REQUIRED = (
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. "
    "Because some of these payment methods might redirect your customer off of your page, you "
    "must provide a `return_url`. If you don't want to accept redirect-based payment methods, "
    "set `automatic_payment_methods[enabled]` to `true` and "
    "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and "
    "Payment Intents.")

# What a publishable key may read of an intent (Stripe hides the rest from browsers).
PUBLISHABLE_FIELDS = (
    "id", "object", "amount", "amount_details", "automatic_payment_methods", "canceled_at",
    "cancellation_reason", "capture_method", "client_secret", "confirmation_method", "created",
    "currency", "description", "last_payment_error", "livemode", "next_action",
    "payment_method", "payment_method_configuration_details", "payment_method_types",
    "processing", "receipt_email", "setup_future_usage", "shipping", "source", "status")

_CONFIRMATION = {
    "payment_method": None, "payment_method_data": payment_methods.DATA, "return_url": None,
    "receipt_email": None, "off_session": None, "setup_future_usage": None,
    "shipping": shipping.SCHEMA,
    "error_on_requires_action": None, "mandate": None, "mandate_data": mandates.DATA,
    "payment_method_options": None, "payment_method_types": None, "radar_options": None,
    "allowed_payment_method_types": None, "use_stripe_sdk": None, "confirmation_token": None, "capture_method": None,
}
CONFIRM_PARAMS = {**_CONFIRMATION, "client_secret": None, "expected_payment_method_type": None,
                  "payment_user_agent": None, "time_on_page": None, "guid": None, "muid": None,
                  "sid": None, "referrer": None, "client_attribution_metadata": None}
CREATE_PARAMS = {
    **_CONFIRMATION, "amount": None, "currency": None, "automatic_payment_methods": None,
    "confirm": None, "confirmation_method": None, "customer": None, "description": None,
    "metadata": FREE, "statement_descriptor": None, "statement_descriptor_suffix": None,
    "application_fee_amount": None, "on_behalf_of": None, "transfer_data": None,
    "transfer_group": None, "payment_method_configuration": None, "amount_details": None,
    "excluded_payment_method_types": None, "payment_details": None, "hooks": None,
}
UPDATE_PARAMS = {
    "amount": None, "currency": None, "customer": None, "description": None, "metadata": FREE,
    "payment_method": None, "payment_method_data": payment_methods.DATA,
    "payment_method_types": None, "receipt_email": None, "capture_method": None,
    "allowed_payment_method_types": None, "setup_future_usage": None,
    "shipping": shipping.SCHEMA, "statement_descriptor": None,
    "statement_descriptor_suffix": None, "payment_method_options": None,
    "application_fee_amount": None, "transfer_data": None, "transfer_group": None,
    "payment_method_configuration": None, "amount_details": None,
    "excluded_payment_method_types": None, "payment_details": None, "hooks": None,
}
# Updating these needs an intent that is not finished yet.
_PAYMENT_FIELDS = ("amount", "currency", "customer", "payment_method", "payment_method_data",
                   "payment_method_types", "allowed_payment_method_types", "capture_method")
CAPTURE_PARAMS = {"amount_to_capture": None, "metadata": FREE, "statement_descriptor": None,
                  "statement_descriptor_suffix": None, "application_fee_amount": None,
                  "final_capture": None, "transfer_data": None, "hooks": None,
                  "payment_details": None, "amount_details": None}
CANCEL_PARAMS = {"cancellation_reason": None}
LIST_PARAMS = {"customer": None, "limit": None, "starting_after": None, "ending_before": None,
               "created": None}
SEARCH_PARAMS = {"query": None, "limit": None, "page": None}
RETRIEVE_PARAMS = {"client_secret": None}
CHALLENGE_PARAMS = {"client_secret": None, "outcome": None}


def create(call, params):
    amount = params.integer("amount", required=True, minimum=1)
    code = currency(params.string("currency", required=True))
    check_charge_amount(amount, code)
    confirmation_method = params.choice("confirmation_method", ["automatic", "manual"],
                                        "automatic")
    capture_method = params.choice("capture_method", CAPTURE_METHODS, "automatic")
    explicit_types, types_param = requested_types(call, params, code)
    _check_currency_for_types(explicit_types or ACTIVATED_TYPES[:1], code)
    automatic = automatic_payment_methods(call, params, types_param, confirmation_method)
    customer_id = params.string("customer")
    if customer_id:
        customers.find(call, customer_id)
    payment_method = _payment_method(call, params)
    pi_id = new_id("pi")
    intent = {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": automatic,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": f"{pi_id}_secret_{random_token(25)}",
        "confirmation_method": confirmation_method,
        "created": call.store.now(),
        "currency": code,
        "customer": customer_id,
        "description": params.string("description"),
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": params.metadata() or {},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {kind: copy.deepcopy(PAYMENT_METHOD_OPTIONS[kind])
                                   for kind in explicit_types or ACTIVATED_TYPES[:1]},
        "payment_method_types": explicit_types or list(ACTIVATED_TYPES[:1]),
        "processing": None,
        "receipt_email": params.string("receipt_email"),
        "review": None,
        "setup_future_usage": params.choice("setup_future_usage", FUTURE_USAGES),
        "shipping": shipping.read(params),
        "source": None,
        "statement_descriptor": params.string("statement_descriptor"),
        "statement_descriptor_suffix": params.string("statement_descriptor_suffix"),
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": params.string("transfer_group"),
    }
    confirm = params.boolean("confirm")
    if confirm:
        payment_method = _check_confirmation(call, intent, params, payment_method)
    elif payment_method is not None:
        payment_methods.check_usable(call, payment_method, pi_id, customer_id)
    if payment_method is None and params.hash("payment_method_data").data:
        payment_method = payment_methods.create(call, params.hash("payment_method_data"))
    if payment_method is not None:
        intent["payment_method"] = payment_method["id"]
        intent["status"] = "requires_confirmation"
    call.store.add(intent, authenticated=None, return_url=params.string("return_url"))
    emit(call, "payment_intent.created", intent)
    if confirm:
        _confirm(call, intent, payment_method, challenge_possible=_challenge_possible(params),
                 params=params)
    return intent


def list_intents(call, params):
    customer = params.string("customer")
    intents = [intent for intent in call.store.newest_first("payment_intent")
               if customer in (None, intent["customer"])]
    return page(intents, params, "/v1/payment_intents")


def search_intents(call, params):
    matches = search.matcher(params.string("query", required=True))
    indexed = search.indexed(call.store.now(), call.emulator.search_lag)
    found = [intent for intent in call.store.newest_first("payment_intent")
             if indexed(intent) and matches(intent)]
    return search.result(found, params, "/v1/payment_intents/search")


def retrieve(call, pi_id, params):
    return intent_for(call, pi_id, params, secret_required=call.publishable)


def update(call, pi_id, params):
    intent = call.store.get("payment_intent", pi_id)
    with carried_by(intent):
        for name in _PAYMENT_FIELDS:
            if name in params and intent["status"] not in CONFIRMABLE:
                raise unexpected_state(
                    f"This PaymentIntent's {name} could not be updated because it has a status of "
                    f"{intent['status']}. You may only update the {name} of a PaymentIntent with "
                    f"one of the following statuses: {', '.join(CONFIRMABLE)}.", param=name)
        code = currency(params.string("currency")) if "currency" in params else intent["currency"]
        amount = params.integer("amount", minimum=1) or intent["amount"]
        check_charge_amount(amount, code)
        types, _ = requested_types(call, params, code)
        capture_method = params.choice("capture_method", CAPTURE_METHODS, intent["capture_method"])
        customer_id = params.string("customer", default=intent["customer"])
        if customer_id:
            customers.find(call, customer_id)
        metadata = merge_metadata(intent["metadata"], params.metadata())
        payment_method = _payment_method(call, params)
        if payment_method is not None:
            payment_methods.check_usable(call, payment_method, pi_id, customer_id)
        elif params.hash("payment_method_data").data:
            payment_method = payment_methods.create(call, params.hash("payment_method_data"))
        payment_changed = payment_method is not None or (amount, code) != (intent["amount"],
                                                                            intent["currency"])
        intent.update(amount=amount, currency=code, capture_method=capture_method,
                      customer=customer_id, metadata=metadata)
        if types:
            intent["payment_method_types"] = types
        for name in ("description", "receipt_email"):
            if name in params:
                intent[name] = params.string(name)
        if "setup_future_usage" in params:
            intent["setup_future_usage"] = params.choice("setup_future_usage", FUTURE_USAGES)
        if "shipping" in params:
            intent["shipping"] = shipping.read(params)
        if payment_method is not None:
            intent["payment_method"] = payment_method["id"]
        if payment_changed and intent["payment_method"]:
            # What was authenticated or pending no longer describes this payment.
            intent.update(status="requires_confirmation", next_action=None)
            call.store.private[pi_id]["authenticated"] = None
        return intent


def confirm(call, pi_id, params):
    intent = intent_for(call, pi_id, params, secret_required=call.publishable)
    with carried_by(intent):
        if call.publishable and intent["confirmation_method"] == "manual":
            raise invalid_param("This PaymentIntent has confirmation_method manual, so it can only "
                                "be confirmed with a secret key, from your server.")
        if intent["status"] not in CONFIRMABLE:
            if intent["status"] == "succeeded":
                raise unexpected_state("You cannot confirm this PaymentIntent because it has "
                                       "already succeeded after being previously confirmed.")
            raise unexpected_state(
                f"You cannot confirm this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses may "
                f"be confirmed: {', '.join(CONFIRMABLE)}.")
        capture_method = params.choice("capture_method", CAPTURE_METHODS, intent["capture_method"])
        future_usage = params.choice("setup_future_usage", FUTURE_USAGES,
                                     intent["setup_future_usage"])
        types, _ = requested_types(call, params, intent["currency"])
        if types:
            intent["payment_method_types"] = types
        payment_method = _check_confirmation(call, intent, params, _payment_method(call, params))
        intent.update(capture_method=capture_method, setup_future_usage=future_usage)
        if params.string("return_url"):
            call.store.private[pi_id]["return_url"] = params.string("return_url")
        if "receipt_email" in params:
            intent["receipt_email"] = params.string("receipt_email")
        if "shipping" in params:
            intent["shipping"] = shipping.read(params)
        _confirm(call, intent, payment_method, challenge_possible=_challenge_possible(params),
                 params=params)
        return intent


def capture(call, pi_id, params):
    intent = call.store.get("payment_intent", pi_id)
    with carried_by(intent):
        amount = params.integer("amount_to_capture", minimum=1)
        metadata = merge_metadata(intent["metadata"], params.metadata())
        if intent["status"] != "requires_capture":
            raise unexpected_state(
                f"This PaymentIntent could not be captured because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                "may be captured: requires_capture.")
        capturable = intent["amount_capturable"]
        if amount is not None and amount > capturable:
            raise invalid_param(f"The amount to capture "
                                f"({format_amount(amount, intent['currency'])}) is greater than "
                                f"the amount capturable "
                                f"({format_amount(capturable, intent['currency'])}).",
                                param="amount_to_capture", code="amount_too_large")
        amount = amount or capturable
        charges.capture(call, call.store.get("charge", intent["latest_charge"]), amount)
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0,
                      metadata=metadata)
        emit(call, "payment_intent.succeeded", intent)
        return intent


def cancel(call, pi_id, params):
    intent = call.store.get("payment_intent", pi_id)
    with carried_by(intent):
        reason = params.choice("cancellation_reason", CANCELLATION_REASONS)
        if intent["status"] not in CANCELABLE:
            raise unexpected_state(
                f"You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                f"may be canceled: "
                f"{', '.join(CANCELABLE)}.")
        if intent["status"] == "requires_capture":
            # Canceling releases the authorisation, which Stripe shows as a full refund.
            charge = call.store.get("charge", intent["latest_charge"])
            refunds.refund_charge(call, charge, charge["amount"])
        intent.update(status="canceled", canceled_at=call.store.now(), cancellation_reason=reason,
                      next_action=None, amount_capturable=0)
        emit(call, "payment_intent.canceled", intent)
        return intent


def three_ds_challenge(call, pi_id, params):
    """The bank's answer to the 3-D Secure challenge (the emulator's own endpoint).

    `complete` leaves a manual-confirmation intent in requires_confirmation for the server to
    confirm; an automatic one goes straight on to the authorisation. `fail` returns the intent
    to requires_payment_method with payment_intent_authentication_failure. Either way the
    intent is the answer, a decline included (in last_payment_error), as Stripe.js expects.
    """
    intent = intent_for(call, pi_id, params, secret_required=True)
    with carried_by(intent):
        outcome = params.choice("outcome", ["complete", "fail"])
        if outcome is None:
            raise missing_param("outcome")
        if intent["status"] != "requires_action":
            raise unexpected_state(f"This PaymentIntent is not awaiting 3-D Secure authentication: "
                                   f"it has a status of {intent['status']}.")
        payment_method = call.store.get("payment_method", intent["payment_method"])
        if outcome == "fail":
            _fail(call, intent, payment_method, {
                "code": "payment_intent_authentication_failure",
                "doc_url": doc_url("payment_intent_authentication_failure"),
                "message": AUTHENTICATION_FAILED,
                "type": "invalid_request_error",
            })
            return intent
        call.store.private[pi_id]["authenticated"] = payment_method["id"]
        intent["next_action"] = None
        if intent["confirmation_method"] == "manual":
            intent["status"] = "requires_confirmation"
        else:
            _authorise(call, intent, payment_method)
        return intent


def for_publishable(intent):
    return {name: intent[name] for name in PUBLISHABLE_FIELDS}


def card_error(intent):
    """The 402 for a declined attempt, built from what the intent recorded of it."""
    error = intent["last_payment_error"]
    return StripeError(402, "card_error", error["message"], code=error["code"],
                       decline_code=error.get("decline_code"), param=error.get("param"),
                       charge=error.get("charge"), payment_method=error["payment_method"],
                       payment_intent=intent)


@contextlib.contextmanager
def carried_by(intent):
    """Stripe's errors about an intent carry the intent, as its card errors do."""
    try:
        yield
    except StripeError as error:
        error.payment_intent = error.payment_intent or intent
        raise


def intent_for(call, pi_id, params, *, secret_required):
    """The intent, once the client_secret (needed with a publishable key) matches."""
    intent = call.store.get("payment_intent", pi_id)
    secret = params.string("client_secret")
    if secret is None and secret_required:
        raise missing_param("client_secret")
    if secret is not None and secret != intent["client_secret"]:
        raise invalid_param("The client_secret provided does not match the client_secret "
                            "associated with the PaymentIntent.", param="client_secret")
    return intent


PAYMENT_METHOD_TYPES_REMOVED = (
    "The `payment_method_types` parameter is no longer supported in API version {version}: "
    "pass `allowed_payment_method_types` to limit the payment methods, or leave both out to "
    "use the payment methods turned on in your Dashboard.")


def requested_types(call, params, code):
    """The payment method types a request names, in its API version's words, and the parameter
    it named them with: `payment_method_types` (the list itself) until 2026-09-30.endive, which
    refuses it; `allowed_payment_method_types` from 2026-07-29.dahlia, a filter on the types the
    account has turned on and `code` (the currency) allows. (None, None) when it names none."""
    version = call.api_version
    if "payment_method_types" in params and \
            versions.has(version, "payment_method_types_removed"):
        raise invalid_param(PAYMENT_METHOD_TYPES_REMOVED.format(version=version),
                            param="payment_method_types",
                            code="payment_method_types_no_longer_supported")
    if "allowed_payment_method_types" not in params:
        return _payment_method_types(params), "payment_method_types"
    if not versions.has(version, "allowed_payment_method_types"):
        raise invalid_param("Received unknown parameter: allowed_payment_method_types",
                            param="allowed_payment_method_types", code="parameter_unknown")
    if "payment_method_types" in params:
        raise invalid_param("You may only specify one of these parameters: "
                            "allowed_payment_method_types, payment_method_types.",
                            code="parameters_exclusive")
    allowed = params.strings("allowed_payment_method_types") or []
    types = [kind for kind in ACTIVATED_TYPES
             if kind in allowed and code in TYPE_CURRENCIES.get(kind, (code,))]
    if not types:
        raise invalid_param(
            f"None of the allowed_payment_method_types ({', '.join(allowed)}) can be used: "
            f"the payment methods turned on in your Dashboard that take {code} are "
            f"{', '.join(k for k in ACTIVATED_TYPES if code in TYPE_CURRENCIES.get(k, (code,)))}.",
            param="allowed_payment_method_types")
    return types, "allowed_payment_method_types"


def _payment_method_types(params):
    types = params.strings("payment_method_types")
    for kind in types or ():
        if kind not in ACTIVATED_TYPES:
            raise invalid_param(
                f'The payment method type "{kind}" is invalid. Please ensure the provided type '
                "is activated in your dashboard (https://dashboard.stripe.com/account/payments/"
                "settings) and your account is enabled for any preview features that you are "
                "trying to use.", param="payment_method_types")
    return types


def _check_currency_for_types(types, code):
    for kind in types:
        allowed = TYPE_CURRENCIES.get(kind)
        if allowed and code not in allowed:
            raise invalid_param(
                f"The currency provided ({code}) is invalid. Payments with {kind} support the "
                f"following currencies: {', '.join(allowed)}.", param="currency")


def automatic_payment_methods(call, params, types_param, confirmation_method):
    """`types_param`: the parameter that named the types, if any."""
    explicit_types = types_param is not None and types_param in params
    settings = params.hash("automatic_payment_methods")
    if settings.data:
        enabled = settings.boolean("enabled")
        if explicit_types and (enabled or types_param == "allowed_payment_method_types"):
            raise invalid_param("You may only specify one of these parameters: "
                                f"automatic_payment_methods, {types_param}.",
                                code="parameters_exclusive")
        if enabled and confirmation_method == "manual":
            raise invalid_param("You may only specify one of these parameters: "
                                "automatic_payment_methods, confirmation_method.",
                                code="parameters_exclusive")
    else:
        enabled = not explicit_types and \
            versions.has(call.api_version, "automatic_payment_methods_default")
    if not enabled:
        return None
    redirects = settings.choice("allow_redirects", ["always", "never"], "always")
    return {"allow_redirects": redirects, "enabled": True}


def _payment_method(call, params):
    payment_method_id = params.string("payment_method")
    return payment_methods.find(call, payment_method_id) if payment_method_id else None


def _challenge_possible(params):
    """False when nobody can answer a 3-D Secure challenge, or the caller refuses one."""
    # off_session is true/false, or Stripe's one_off / recurring.
    off_session = params.string("off_session") not in (None, "false", "False")
    return not off_session and not params.boolean("error_on_requires_action")


def _check_confirmation(call, intent, params, payment_method):
    """Everything Stripe refuses before a confirmation starts; returns the PaymentMethod."""
    automatic = intent["automatic_payment_methods"]
    return_url = params.string("return_url") or \
        call.store.private.get(intent["id"], {}).get("return_url")
    off_session = params.string("off_session") not in (None, "false", "False")
    if automatic and automatic["allow_redirects"] != "never" and not return_url \
            and not off_session:
        raise invalid_param(RETURN_URL_REQUIRED)
    if payment_method is None and params.hash("payment_method_data").data:
        payment_method = payment_methods.create(call, params.hash("payment_method_data"))
    if payment_method is None and intent["payment_method"]:
        payment_method = call.store.get("payment_method", intent["payment_method"])
    if payment_method is None:
        raise invalid_param(
            "You cannot confirm this PaymentIntent because it's missing a payment method. You "
            "can either update the PaymentIntent with a payment method and then confirm it "
            "again, or confirm it again directly with a payment method.",
            code="payment_intent_unexpected_state")
    payment_methods.check_usable(call, payment_method, intent["id"], intent["customer"])
    if payment_method["type"] not in intent["payment_method_types"]:
        allowed = ", ".join(intent["payment_method_types"])
        raise invalid_param(
            f"The PaymentMethod provided ({payment_method['type']}) is not allowed for this "
            f"PaymentIntent. Please attach a PaymentMethod of one of the following types: "
            f"{allowed}. Alternatively, update the allowed payment_method_types for this "
            f"PaymentIntent to include \"{payment_method['type']}\".", param="payment_method")
    return payment_method


def _confirm(call, intent, payment_method, *, challenge_possible, params):
    """One confirmation attempt; a decline raises Stripe's 402 after recording it."""
    if intent["payment_method"] != payment_method["id"]:
        call.store.private[intent["id"]]["authenticated"] = None
    intent.update(payment_method=payment_method["id"], last_payment_error=None,
                  next_action=None)
    payment_methods.mark_used(call, payment_method["id"], intent["id"],
                              for_future=intent["setup_future_usage"] is not None)
    debit = debits.handler(payment_method["type"])  # us_bank_account: bank/bank_debits.py
    if debit is not None:
        debit.confirm(call, intent, payment_method, params)
        return
    challenge = cards.needs_challenge(payment_methods.card_number(call, payment_method["id"]),
                                      payment_methods.is_set_up(call, payment_method["id"]))
    authenticated = call.store.private[intent["id"]]["authenticated"] == payment_method["id"]
    if challenge and not authenticated and not challenge_possible:
        _decline(call, intent, payment_method, cards.AUTHENTICATION_REQUIRED)
    elif challenge and not authenticated:
        _require_action(call, intent)
    else:
        _authorise(call, intent, payment_method)
    if intent["last_payment_error"]:
        raise card_error(intent)


def _require_action(call, intent):
    intent["status"] = "requires_action"
    intent["next_action"] = {"type": "use_stripe_sdk", "use_stripe_sdk": {
        "type": "three_d_secure_redirect",
        "stripe_js": f"{call.base_url}/three-ds/challenge/{intent['id']}"
                     f"?client_secret={intent['client_secret']}",
        "source": new_id("src"),
    }}
    emit(call, "payment_intent.requires_action", intent)


def _authorise(call, intent, payment_method):
    card = cards.behaviour(payment_methods.card_number(call, payment_method["id"]))
    if card.decline:
        _decline(call, intent, payment_method, card.decline)
        return
    authenticated = call.store.private[intent["id"]]["authenticated"] == payment_method["id"]
    charge = charges.attempt(call, intent, payment_method, three_d_secure=authenticated)
    intent["latest_charge"] = charge["id"]
    if authenticated and intent["setup_future_usage"]:
        payment_methods.mark_set_up(call, payment_method["id"])
    save_for_future(call, intent, payment_method)
    if intent["capture_method"] == "manual":
        intent.update(status="requires_capture", amount_capturable=intent["amount"])
        emit(call, "payment_intent.amount_capturable_updated", intent)
    else:
        intent.update(status="succeeded", amount_received=intent["amount"])
        emit(call, "payment_intent.succeeded", intent)


def save_for_future(call, intent, payment_method):
    """With `setup_future_usage`, a successful payment (authorised card, bank debit started)
    attaches its PaymentMethod to the intent's customer. Without a customer nothing is
    attached, but the method stays attachable later, as Stripe's docs allow."""
    if intent["setup_future_usage"] and intent["customer"] and \
            payment_method["customer"] != intent["customer"]:
        payment_methods.attach_to(call, payment_method["id"], intent["customer"])


def _decline(call, intent, payment_method, decline):
    authenticated = call.store.private[intent["id"]]["authenticated"] == payment_method["id"]
    charge = charges.attempt(call, intent, payment_method, decline=decline,
                             three_d_secure=authenticated)
    intent["latest_charge"] = charge["id"]
    error = {"charge": charge["id"], "code": decline.code, "decline_code": decline.decline_code,
             "doc_url": doc_url(decline.code),
             "message": decline.message, "type": "card_error"}
    if decline.param:
        error["param"] = decline.param
    _fail(call, intent, payment_method, error)


def _fail(call, intent, payment_method, error):
    """Back to requires_payment_method: a new card may be tried on the same intent."""
    intent.update(status="requires_payment_method", payment_method=None, next_action=None,
                  last_payment_error={**error, "payment_method": copy.deepcopy(payment_method)})
    call.store.private[intent["id"]]["authenticated"] = None
    emit(call, "payment_intent.payment_failed", intent)
