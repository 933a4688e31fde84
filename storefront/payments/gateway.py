"""The one place that talks to Stripe. Views call these functions; none builds Stripe parameters."""
import secrets
from datetime import timezone
from typing import TYPE_CHECKING, Any, TypeVar, cast

import stripe
from flask import current_app
from stripe import RequestOptions
from stripe.params import (
    BalanceTransactionListParams,
    CustomerCreateParams,
    CustomerPaymentMethodListParams,
    CustomerUpdateParams,
    PaymentIntentCreateParams,
    PaymentIntentCreateParamsShipping,
    PaymentIntentCreateParamsShippingAddress,
    RefundCreateParams,
    SetupIntentCreateParams,
    TransferCreateParams,
)
from stripe.params.checkout import SessionCreateParams
from stripe.params.tax import (CalculationCreateParams,
                               CalculationCreateParamsCustomerDetailsAddress,
                               TransactionCreateReversalParams)

from storefront.catalog import methods
from storefront.payments.decisions import Failure

if TYPE_CHECKING:
    from stripe._v1_services import V1Services

EXTENSION = "stripe_client"


def init_app(app):
    base = app.config["STRIPE_API_BASE"]
    app.extensions[EXTENSION] = stripe.StripeClient(
        app.config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        stripe_version=app.config["STRIPE_API_VERSION"],
        max_network_retries=app.config["STRIPE_MAX_NETWORK_RETRIES"],
        http_client=stripe.RequestsClient(timeout=app.config["STRIPE_TIMEOUT_SECONDS"]),
    )


def _client() -> "V1Services":
    return current_app.extensions[EXTENSION].v1


def api_version() -> str:
    """The Stripe API version the shop speaks (config STRIPE_API_VERSION, which defaults to the
    stripe library's own)."""
    return current_app.config["STRIPE_API_VERSION"]


# Which payment methods a payment takes, by API version: `allowed_payment_method_types` from
# 2026-07-29.dahlia (a filter, shown in the object's payment_method_types), and only it from
# 2026-09-30.endive, which refuses `payment_method_types`; before dahlia only the latter.
# https://docs.stripe.com/changelog/dahlia, https://docs.stripe.com/changelog/endive
ALLOWED_TYPES_SINCE = "2026-07-29"
Params = TypeVar("Params", PaymentIntentCreateParams, SessionCreateParams)


def _spoken(params: Params) -> Params:
    """`params` in the words of the shop's API version. They are written (and type-checked) in
    the library's own version's words; a version before dahlia names the methods
    `payment_method_types`, which the library's types no longer have."""
    if api_version()[:10] >= ALLOWED_TYPES_SINCE:
        return params
    older = dict(params)
    older["payment_method_types"] = older.pop("allowed_payment_method_types")
    return cast(Params, older)


def _recorded(call, params, **more) -> dict:
    """A request as an attempt records it: the call, its parameters as the shop's API version
    words them, and that version, so that a retry is the same request even after an upgrade."""
    return {"call": call, "params": dict(params), "api_version": api_version(), **more}


def _options(idempotency_key, request) -> RequestOptions:
    """A recorded request's key, and the API version it was first sent in (older records have
    none: the shop's own then)."""
    options: RequestOptions = {"idempotency_key": idempotency_key}
    if request.get("api_version"):
        options["stripe_version"] = request["api_version"]
    return options


# Faults after which Stripe may or may not have acted, as stripe-python 16 raises them: no
# answer (APIConnectionError), 429 (RateLimitError), any 409 — the key's first request still
# running — and 5xx (APIError), and a 400 `idempotency_error` (IdempotencyError): the key was
# first sent with other parameters, and that first request may well have charged.
UNCERTAIN = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError,
             stripe.IdempotencyError)


def classify(error):
    """The one replay rule, for payments and refunds alike: "uncertain" when Stripe may or may
    not have acted (ask again with the same key), "failed" only when its answer is a failure
    Stripe saved for the key and replays (a 500: nothing was done), "refused" when Stripe
    refused the request itself. A key refused for other parameters is never "failed": what the
    key first did is unknown, so it is uncertain until the very first request is sent again."""
    if not isinstance(error, UNCERTAIN):
        return "refused"
    replayed = isinstance(error, stripe.APIError) and \
        (error.headers or {}).get("Idempotent-Replayed") == "true"
    return "failed" if replayed else "uncertain"


def attempt_key(order, number):
    # The library's own retries reuse it; a new card on the same order is a new attempt.
    return f"order-{order.public_id}-attempt-{number}"


def _answer(call):
    """Run a PaymentIntent call: the intent, or a Failure. A decline, or a confirm that the
    intent's state refuses (3-D Secure failed), gives back the intent: its status and
    last_payment_error say what happened."""
    try:
        return call()
    except stripe.StripeError as error:
        details = getattr(error, "error", None)
        intent = details.payment_intent if details is not None else None
        if intent is not None and isinstance(error, (stripe.CardError, stripe.InvalidRequestError)):
            return intent
        current_app.logger.warning("Stripe call failed: %s", type(error).__name__)
        return Failure(classify(error), type(error).__name__)


def payment_request(order, attempt, save_for=None, customer=None):
    """What to send Stripe for a new attempt, as plain values to record with it
    (PaymentAttempt.request): a card is created-and-confirmed in one call (or the order's intent
    confirmed with the new card); a method the browser confirms gets its intent created.

    `save_for`: a signed-in customer's Stripe Customer, when they ticked "Save for next time":
    the card is attached to it once the payment succeeds (setup_future_usage), still in one
    call. on_session: the shop charges a saved card only while its customer is paying.

    `customer`: paying with a method saved to that Customer (the signed-in customer's, whom
    the pay view checked owns it): created and confirmed in one call, a bank account too (its
    mandate was accepted when it was linked)."""
    method = methods.METHODS[attempt.method]
    if attempt.kind == "create":
        params: PaymentIntentCreateParams = {
            "amount": order.total,
            "currency": order.currency.lower(),
            "allowed_payment_method_types": [method.name],
            "description": order.product.name,
            "metadata": {"order_id": str(order.id), "order_public_id": order.public_id},
        }
        if shipping := shipping_details(order):
            params["shipping"] = shipping
        if customer:
            params["customer"] = customer
        if method.confirmed_by == "server" or customer:
            params["payment_method"] = attempt.payment_method
            params["confirmation_method"] = "manual"
            params["confirm"] = True
            if save_for:
                params["customer"] = save_for
                params["setup_future_usage"] = "on_session"
            if expand := _charge_expanded():
                params["expand"] = expand
        return _recorded("create", _spoken(params))
    expand = _charge_expanded() if method.confirmed_by == "server" else []
    more: dict[str, Any] = {"expand": expand} if expand else {}
    if shipping := shipping_details(order):  # corrected after a decline, perhaps
        more["shipping"] = shipping
    return _recorded("confirm", {"payment_method": attempt.payment_method, **more},
                     intent=attempt.payment_intent_id)


def shipping_details(order) -> PaymentIntentCreateParamsShipping | None:
    """Where the order ships, as a PaymentIntent's `shipping` (Radar weighs it against the
    card's country and billing address); None when nothing ships."""
    if not order.shipping_address:
        return None
    address = {name: value for name, value in order.shipping_address.items() if value}
    return {"name": order.shipping_name or "",
            "address": cast(PaymentIntentCreateParamsShippingAddress, address)}


def pay(request, idempotency_key):
    """Send an attempt's recorded `request` (payment_request) with its key. Asking again for
    the same attempt sends the very same request, whatever the catalog or the order says now,
    which Stripe answers from its idempotency record instead of charging again."""
    options = _options(idempotency_key, request)
    if request["call"] == "create":
        return _answer(lambda: _client().payment_intents.create(
            cast(PaymentIntentCreateParams, request["params"]), options))
    return _answer(lambda: _client().payment_intents.confirm(
        request["intent"], request["params"], options))


def confirm_after_action(intent_id, idempotency_key):
    """Re-confirm on the server once the browser has finished 3-D Secure.

    Each confirm has its own key: confirming is safe to repeat (Stripe refuses to confirm an
    intent that is done), but a replay is not, since an answer saved before the customer
    authenticated would keep saying requires_action. A failed challenge leaves the intent
    needing a new card, and confirming it is refused; the intent itself then says what happened.
    """
    options: RequestOptions = {
        "idempotency_key": f"{idempotency_key}-confirm-{secrets.token_hex(6)}"}
    expand = _charge_expanded()
    params: Any = {"expand": expand} if expand else None
    answer = _answer(lambda: _client().payment_intents.confirm(intent_id, params, options))
    if isinstance(answer, Failure) and answer.kind == "refused":
        return refresh(intent_id)
    return answer


def refresh(payment_intent_id):
    """The intent as Stripe has it now (the browser confirmed it, or a confirm was refused)."""
    return _answer(lambda: retrieve(payment_intent_id))


def retrieve(payment_intent_id):
    return _client().payment_intents.retrieve(payment_intent_id)


def intents_for_order(public_id):
    """The order's PaymentIntents found by metadata, every page of them. Stripe's search is
    not read-after-write: an intent made in the last minute (in an outage, the last hour) may
    not be found yet, so finding none proves nothing."""
    query = f"metadata['order_public_id']:'{public_id}'"
    return list(_client().payment_intents.search({"query": query, "limit": 100})
                .auto_paging_iter())


def refund_duplicate(intent):
    """Give back a second payment for an order that was already paid."""
    return _client().refunds.create(
        {"payment_intent": intent.id, "reason": "duplicate"},
        {"idempotency_key": f"refund-duplicate-{intent.id}"},
    )


def cancel(payment_intent_id):
    """Cancel an intent the customer abandoned, so it can never be confirmed later."""
    return _client().payment_intents.cancel(
        payment_intent_id, {"cancellation_reason": "abandoned"},
        {"idempotency_key": f"cancel-{payment_intent_id}"},
    )


def refund_key(order, request_id):
    # One refund form, one key: sending the form again can only ever repeat the same refund.
    return f"order-{order.public_id}-refund-{request_id}"


def refund_request(order, amount, reason=None):
    """The parameters of a refund of `amount` of the order's payment, as plain values."""
    params: RefundCreateParams = {
        "payment_intent": order.payment_intent_id,
        "amount": amount,
        "metadata": {"order_id": str(order.id), "order_public_id": order.public_id},
        "expand": ["charge"],
    }
    if reason:
        params["reason"] = reason
    return params


def refund(params, key):
    """Make the refund `params` (refund_request) describe. The same key with the same amount is
    one refund however often it is sent: Stripe answers a repeat from its idempotency record.

    The refund comes back with its charge expanded: the charge's id, and its amount_refunded,
    which counts this refund and every one made before it (in the dashboard too)."""
    return _client().refunds.create(params, {"idempotency_key": key})


def payment(payment_intent_id):
    """The PaymentIntent with its latest charge and the charge's balance transaction (Stripe's
    fee and what the shop nets), for the admin's view of a payment."""
    return _client().payment_intents.retrieve(
        payment_intent_id, {"expand": ["latest_charge.balance_transaction"]})


def balance_transactions(start, end):
    """Stripe's balance transactions created from `start` to before `end` (naive UTC), newest
    first, each page fetched as it is read: the fees Stripe took, as its books have them."""
    since, before = _timestamp(start), _timestamp(end)
    params: BalanceTransactionListParams = {"created": {"gte": since, "lt": before}, "limit": 100}
    for transaction in _client().balance_transactions.list(params).auto_paging_iter():
        # Newest first: past the start, every later page is older still.
        if transaction.created < since:
            return
        if transaction.created < before:
            yield transaction


def _timestamp(naive_utc):
    return int(naive_utc.replace(tzinfo=timezone.utc).timestamp())


# Stripe Checkout's `ui_mode` names for its own page and the embedded one, by API version:
# "hosted"/"embedded" until 2026-03-25, "hosted_page"/"embedded_page" since.
UI_MODES_RENAMED_IN = "2026-03-25"


def ui_mode(checkout_mode, version=None):
    """`ui_mode` for "hosted" or "embedded" as the API version the shop speaks spells it."""
    version = version or api_version()
    return f"{checkout_mode}_page" if version[:10] >= UI_MODES_RENAMED_IN else checkout_mode


def session_key(order, number):
    return f"order-{order.public_id}-session-{number}"


def checkout_session_request(order, attempt, lines, urls, expires_at, parcel=None):
    """The parameters of a Stripe Checkout page for the order, as plain values to record with
    the attempt: listing `lines` (pricing.itemised: each zero or more, adding up to the order's
    total less its shipping), payable until `expires_at` (naive UTC). `urls`: success_url and
    cancel_url (hosted), or return_url (embedded), each may carry {CHECKOUT_SESSION_ID}.
    `parcel`: the order's shipping (catalog/shipping.py) to the country the customer chose on
    the shop's page: Stripe's page then asks for an address in that rate's zone and charges
    the one rate the shop quoted, so the total is the one the customer saw."""
    metadata = {"order_id": str(order.id), "order_public_id": order.public_id}
    params: SessionCreateParams = {
        "mode": "payment",
        "ui_mode": ui_mode(order.checkout_mode),
        "line_items": [{
            "price_data": {"currency": order.currency.lower(), "unit_amount": line.amount // line.quantity,
                           "product_data": {"name": line.name or line.label}},
            "quantity": line.quantity,
        } for line in lines],
        "allowed_payment_method_types": [attempt.method],
        "client_reference_id": order.public_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": order.product.name},
        "customer_email": order.email,
        "expires_at": int(expires_at.replace(tzinfo=timezone.utc).timestamp()),
        **urls,
    }
    if parcel is not None and parcel.zone is not None:
        params["shipping_address_collection"] = {
            "allowed_countries": cast(Any, list(parcel.zone.countries))}
        params["shipping_options"] = [{"shipping_rate_data": {
            "type": "fixed_amount",
            "display_name": parcel.zone.display_name,
            "fixed_amount": {"amount": parcel.amount, "currency": order.currency.lower()},
            "delivery_estimate": {
                "minimum": {"unit": "business_day", "value": parcel.zone.days[0]},
                "maximum": {"unit": "business_day", "value": parcel.zone.days[1]}},
        }}]
    return _recorded("checkout_session", _spoken(params))


def session_shipping(session):
    """What the customer gave on Stripe's Checkout page: ({"name", "address"}, the shipping
    Stripe charged) — `collected_information.shipping_details` since API version 2025-03-31,
    the top-level `shipping_details` before — or (None, None) when it collected none."""
    collected = getattr(session, "collected_information", None)
    details = getattr(collected, "shipping_details", None) \
        or getattr(session, "shipping_details", None)
    cost = getattr(session, "shipping_cost", None)
    charged = getattr(cost, "amount_total", None)
    if not details:
        return None, charged
    address = getattr(details, "address", None)
    return {"name": getattr(details, "name", None) or "",
            "address": {name: getattr(address, name, None) for name in
                        ("line1", "line2", "city", "state", "postal_code", "country")}}, charged


def create_checkout_session(request, idempotency_key):
    """Open the Checkout page an attempt recorded (checkout_session_request); its key makes a
    repeated request the same session."""
    return _client().checkout.sessions.create(cast(SessionCreateParams, request["params"]),
                                              _options(idempotency_key, request))


def checkout_session(session_id):
    """The Checkout Session as Stripe has it now, with its PaymentIntent (one call)."""
    return _client().checkout.sessions.retrieve(session_id, {"expand": ["payment_intent"]})


def expire_checkout_session(session_id):
    """Close an abandoned Checkout page, so it can never be paid later; the session as it ends
    (expired, or complete when the customer paid just before)."""
    try:
        _client().checkout.sessions.expire(session_id, None,
                                            {"idempotency_key": f"expire-{session_id}"})
    except stripe.InvalidRequestError:
        pass  # no longer open: it says below how it ended
    return checkout_session(session_id)


# Stripe Tax (storefront/payments/tax.py decides when; these are the calls).


def tax_calculation_request(currency, lines, shipping_amount, address, behavior):
    """The parameters of a tax calculation, as plain values: `lines` (tax.TaxLine: reference,
    amount, quantity, tax_code), the shipping's amount (0: none), the customer's shipping
    `address` (Stripe's shape), and whether the prices are before tax ("exclusive") or include
    it ("inclusive")."""
    where: CalculationCreateParamsCustomerDetailsAddress = {"country": address["country"]}
    for name in ("line1", "line2", "city", "state", "postal_code"):
        if address.get(name):
            where[name] = address[name]
    params: CalculationCreateParams = {
        "currency": currency.lower(),
        "line_items": [{"amount": line.amount, "reference": line.reference,
                        "quantity": line.quantity, "tax_code": line.tax_code,
                        "tax_behavior": behavior} for line in lines],
        "customer_details": {"address": where, "address_source": "shipping"},
    }
    if shipping_amount:
        params["shipping_cost"] = {"amount": shipping_amount, "tax_behavior": behavior}
    return params


def calculate_tax(params):
    """Stripe Tax's calculation for `params` (tax_calculation_request). Nothing is recorded:
    the library's own retries are safe, and a calculation not used is simply never recorded."""
    return _client().tax.calculations.create(cast(CalculationCreateParams, params))


def tax_reference(order):
    # Stripe wants a reference unique across the account's tax transactions, reversals too.
    return f"order-{order.public_id}"


def record_tax(calculation_id, reference, key):
    """Record a paid order's tax (its calculation) with Stripe Tax, once per key."""
    return _client().tax.transactions.create_from_calculation(
        {"calculation": calculation_id, "reference": reference}, {"idempotency_key": key})


def reverse_tax(transaction_id, reference, key, flat_amount=None):
    """Reverse a recorded sale's tax for a refund, once per key: all of it (`flat_amount`
    None), or a part, `flat_amount` of the sale (minor units, tax included, positive here;
    Stripe takes it negative), which Stripe spreads over the lines and shipping."""
    params: TransactionCreateReversalParams = {
        "mode": "full", "original_transaction": transaction_id, "reference": reference}
    if flat_amount is not None:
        params["mode"] = "partial"
        params["flat_amount"] = -flat_amount
    return _client().tax.transactions.create_reversal(params, {"idempotency_key": key})


# Where the dashboard shows each kind of object, by id prefix.
DASHBOARD_SECTIONS = {"pi_": "payments", "ch_": "payments", "re_": "refunds", "evt_": "events"}


def live_mode():
    """Whether the shop's secret key is a live one; the one place that decides the mode."""
    return "_live_" in current_app.config["STRIPE_SECRET_KEY"]


def dashboard_url(stripe_id):
    """The Stripe dashboard's page for a PaymentIntent, charge, refund or event, in the mode of
    the shop's key: a test-mode object only exists under /test/. None for other ids."""
    section = next((name for prefix, name in DASHBOARD_SECTIONS.items()
                    if stripe_id.startswith(prefix)), None)
    if section is None:
        return None
    mode = "" if live_mode() else "test/"
    return f"https://dashboard.stripe.com/{mode}{section}/{stripe_id}"


# A PaymentIntent names its `latest_charge` from this API version on; before, it carried its
# `charges` in full (https://docs.stripe.com/upgrades#2022-11-15).
LATEST_CHARGE_SINCE = "2022-11-15"


def _charge_expanded() -> list[str]:
    """`expand` for a call that may pay: the answer then holds the charge, whose card the receipt
    names (card_paid_with), so paying stays one call to Stripe. Older versions hold it anyway."""
    return ["latest_charge"] if api_version()[:10] >= LATEST_CHARGE_SINCE else []


def _plain(obj):
    """A Stripe object as plain dicts and lists (a webhook's may already be one)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _latest_charge(intent):
    """The intent's latest charge: expanded, its id, or from `charges` before 2022-11-15."""
    charge = intent.get("latest_charge")
    if charge is None and intent.get("charges"):
        charges = intent["charges"].get("data") or []
        charge = charges[-1] if charges else None
    return charge


def card_needs_asking(intent):
    """Whether card_paid_with(intent) must ask Stripe (a card payment whose charge is an id)."""
    intent = _plain(intent)
    return "card" in (intent.get("payment_method_types") or ["card"]) and \
        isinstance(_latest_charge(intent), str)


def card_paid_with(intent):
    """{"card_brand": …, "card_last4": …} of the card that paid `intent` (a PaymentIntent), from
    its latest charge's payment_method_details; {} when it was not paid by card. The charge is
    asked of Stripe when the intent names it by id; an intent in an API version before 2022-11-15
    carries it in its `charges` list instead."""
    intent = _plain(intent)
    if "card" not in (intent.get("payment_method_types") or ["card"]):
        return {}  # paid from a bank account: no card to name, and nothing to ask Stripe
    charge = _latest_charge(intent)
    if isinstance(charge, str):
        charge = _plain(_client().charges.retrieve(charge))
    details = (charge or {}).get("payment_method_details") or {}
    card = details.get("card")
    if not card or not card.get("last4"):
        return {}
    return {"card_brand": str(card.get("brand") or "")[:20] or None,
            "card_last4": str(card["last4"])[:4]}


def charge(charge_id):
    """A charge as Stripe has it now (its amount_refunded after a refund failed, say)."""
    return _client().charges.retrieve(charge_id)


def transfer_request(transfer):
    """A maker's share of an order, as plain values: the transfer's parameters, less the charge
    that funds it (transfer asks Stripe for it), and the order's PaymentIntent."""
    order = transfer.order
    return {"payment_intent": order.payment_intent_id, "params": {
        "amount": transfer.amount,
        "currency": transfer.currency.lower(),
        "destination": transfer.maker.stripe_account_id,
        "transfer_group": f"order-{order.public_id}",
        "metadata": {"order_id": str(order.id), "order_public_id": order.public_id,
                     "maker": transfer.maker.slug},
    }}


def transfer(request, key):
    """Pay a maker their share of an order (transfer_request), funded by the order's charge.
    One key per order and maker (a new one after a refusal): asking again can only repeat the
    same transfer."""
    intent = _client().payment_intents.retrieve(request["payment_intent"])
    params = cast(TransferCreateParams, dict(request["params"]))
    if isinstance(intent.latest_charge, str):  # its id (not expanded); a paid intent has one
        params["source_transaction"] = intent.latest_charge
    return _client().transfers.create(params, {"idempotency_key": key})


def reverse_transfer(stripe_transfer_id, amount, key):
    """Take back `amount` of a maker's transfer (a refunded line's share); once per key."""
    return _client().transfers.reversals.create(
        stripe_transfer_id, {"amount": amount}, {"idempotency_key": key})


def create_account(maker_slug, key):
    """A connected account for a maker, with Express's controller properties (Stripe collects
    their details, they see the Express dashboard, the shop pays the fees and bears the losses).
    `key`: one onboarding form, one account, however often it is sent."""
    return _client().accounts.create({
        "controller": {"stripe_dashboard": {"type": "express"}, "fees": {"payer": "application"},
                       "losses": {"payments": "application"}, "requirement_collection": "stripe"},
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"maker": maker_slug},
    }, {"idempotency_key": key})


def onboarding_link(account_id, refresh_url, return_url):
    return _client().account_links.create({
        "account": account_id, "type": "account_onboarding",
        "refresh_url": refresh_url, "return_url": return_url})


def account(account_id):
    return _client().accounts.retrieve(account_id)


def customer_key(account):
    # One key per account: two requests that both find no Customer yet make the one Customer.
    return f"account-{account.public_id}-customer"


def create_customer(account):
    """The account's Stripe Customer, made once however often it is asked for (customer_key);
    the shop's account is named in its metadata, the person only by the email they verified."""
    params: CustomerCreateParams = {
        "email": account.email,
        "metadata": {"account_id": str(account.id), "account_public_id": account.public_id},
    }
    return _client().customers.create(params, {"idempotency_key": customer_key(account)})


def saved_methods(customer_id):
    """Every PaymentMethod attached to the Customer (cards and bank accounts), all pages."""
    params: CustomerPaymentMethodListParams = {"limit": 100}
    return list(_client().customers.payment_methods.list(customer_id, params).auto_paging_iter())


def default_method(customer_id):
    """The id of the Customer's default way of paying (invoice_settings), or None."""
    customer = _client().customers.retrieve(customer_id)
    default = customer.invoice_settings.default_payment_method if customer.invoice_settings else None
    return getattr(default, "id", default)


def set_default_method(customer_id, payment_method_id):
    """Make a saved method the Customer's default. Setting it again changes nothing."""
    params: CustomerUpdateParams = {
        "invoice_settings": {"default_payment_method": payment_method_id}}
    return _client().customers.update(customer_id, params)


def setup_request(customer_id, method_type):
    """The parameters of a SetupIntent saving a card or a bank account to the Customer, for
    the browser to confirm (confirmCardSetup, collectBankAccountForSetup). on_session: the shop
    charges it only while its customer pays."""
    params: SetupIntentCreateParams = {
        "customer": customer_id,
        "allowed_payment_method_types": [method_type],
        "usage": "on_session",
    }
    if method_type == "us_bank_account":
        params["payment_method_options"] = {
            "us_bank_account": {"verification_method": "automatic"}}
    return params


def create_setup(customer_id, method_type, key):
    """A SetupIntent (setup_request); one per `key`, so a repeated form is the same intent."""
    params = setup_request(customer_id, method_type)
    if api_version()[:10] < ALLOWED_TYPES_SINCE:
        older: Any = dict(params)
        older["payment_method_types"] = older.pop("allowed_payment_method_types")
        params = older
    return _client().setup_intents.create(params, {"idempotency_key": key})


def waiting_setups(customer_id):
    """The Customer's SetupIntents waiting for the customer (a bank account's microdeposits),
    with their PaymentMethods, to name the account (one call, the newest 20)."""
    found = _client().setup_intents.list(
        {"customer": customer_id, "limit": 20, "expand": ["data.payment_method"]})
    return [intent for intent in found.data if intent.status == "requires_action"]


def gone(error):
    """Whether Stripe refused because the object is not there (deleted already, say)."""
    return isinstance(error, stripe.InvalidRequestError) and error.code == "resource_missing"


def detach_method(payment_method_id):
    """Detach a saved method from its Customer for good; one already detached (a retry after a
    lost answer) counts as done."""
    try:
        _client().payment_methods.detach(payment_method_id, None,
                                         {"idempotency_key": f"detach-{payment_method_id}"})
    except stripe.InvalidRequestError as error:
        # Stripe refuses to detach a method attached to no Customer: the first try did it.
        if not (gone(error) or "not attached" in str(error.user_message or error)):
            raise


def delete_customer(customer_id):
    """Delete the Customer at Stripe; one already deleted counts as done. A DELETE takes no
    idempotency key: asking again is safe by itself."""
    try:
        _client().customers.delete(customer_id)
    except stripe.InvalidRequestError as error:
        if not gone(error):
            raise


def webhook_endpoints():
    """Every webhook endpoint of the account (all pages)."""
    return list(_client().webhook_endpoints.list({"limit": 100}).auto_paging_iter())


def create_webhook_endpoint(url, events, api_version, connect=False):
    """An endpoint sent `events`, rendered in `api_version`; its answer carries the signing
    secret, which Stripe shows only this once. `connect`: the events of connected accounts."""
    # The library lists the versions it knows; the shop's is whatever STRIPE_API_VERSION says,
    # and Stripe itself refuses one it does not know.
    params: Any = {"url": url, "enabled_events": list(events), "api_version": api_version}
    if connect:
        params["connect"] = True
    return _client().webhook_endpoints.create(params)


def update_webhook_endpoint(endpoint_id, events):
    return _client().webhook_endpoints.update(endpoint_id,
                                              {"enabled_events": cast(Any, list(events))})

