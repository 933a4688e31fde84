"""Checkout Sessions in payment mode: Stripe's own payment page, hosted or embedded.

open → complete (the customer paid on the page) | expired (`expire`, or `expires_at` passed).
As since API version 2022-08-01, the PaymentIntent is made when the customer pays, not when
the session is created; it carries `payment_intent_data`. The page itself is checkout_page.py;
it pays through `confirm`, which Stripe.js calls with the publishable key.
"""
from ..machinery import versions
from ..machinery.emulator import Call
from ..machinery.errors import (StripeError, invalid_param, invalid_request, missing_param,
                                not_found)
from ..machinery.events import emit, listen
from ..machinery.params import FREE, Params, reject_unknown
from ..machinery.store import new_id, page, random_token
from ..payments import customers, payment_intents, shipping
from ..payments.currencies import check_charge_amount, currency

# `ui_mode` names (hosted, embedded) by API version (machinery/versions.py: checkout_ui_mode_names).
UI_MODES = {"before": ("hosted", "embedded"), "since": ("hosted_page", "embedded_page")}
# Checkout's other shape (Elements on the merchant's page) is not emulated.
NOT_EMULATED_UI_MODES = ("custom", "elements", "form")

MIN_LIFETIME, MAX_LIFETIME = 30 * 60, 24 * 60 * 60

_LINE_ITEM = {
    "price": None, "quantity": None, "adjustable_quantity": None, "tax_rates": None,
    "dynamic_tax_rates": None,
    "price_data": {"currency": None, "unit_amount": None, "unit_amount_decimal": None,
                   "product": None, "tax_behavior": None, "recurring": None,
                   "product_data": {"name": None, "description": None, "images": None,
                                    "metadata": FREE, "tax_code": None, "unit_label": None}},
}
# What the session passes on to the PaymentIntent it makes; the rest is not emulated.
_INTENT_FIELDS = ("description", "receipt_email", "statement_descriptor",
                  "statement_descriptor_suffix", "transfer_group")
_INTENT_NOT_EMULATED = ("capture_method", "setup_future_usage", "shipping", "transfer_data",
                        "on_behalf_of", "application_fee_amount")
_INTENT_DATA = {"metadata": FREE, **dict.fromkeys(_INTENT_FIELDS + _INTENT_NOT_EMULATED)}
CREATE_PARAMS = {
    "mode": None, "line_items": None, "success_url": None, "cancel_url": None,
    "return_url": None, "ui_mode": None, "redirect_on_completion": None,
    "client_reference_id": None, "metadata": FREE, "customer_email": None, "customer": None,
    "customer_creation": None, "expires_at": None, "payment_method_types": None,
    "allowed_payment_method_types": None,
    "payment_intent_data": _INTENT_DATA, "locale": None, "submit_type": None,
    "billing_address_collection": None, "currency": None, "origin_context": None,
    "shipping_address_collection": {"allowed_countries": None}, "shipping_options": None,
}
_RATE_DATA = {
    "display_name": None, "type": None, "tax_behavior": None, "tax_code": None, "metadata": FREE,
    "fixed_amount": {"amount": None, "currency": None, "currency_options": None},
    "delivery_estimate": {"minimum": {"unit": None, "value": None},
                          "maximum": {"unit": None, "value": None}},
}
_SHIPPING_OPTION = {"shipping_rate": None, "shipping_rate_data": _RATE_DATA}
MAX_SHIPPING_OPTIONS = 5
ESTIMATE_UNITS = ["business_day", "day", "hour", "month", "week"]
LIST_PARAMS = {"payment_intent": None, "status": None, "customer": None,
               "customer_details": None, "created": None, "payment_link": None,
               "subscription": None, "limit": None, "starting_after": None,
               "ending_before": None}
RETRIEVE_PARAMS = {}
EXPIRE_PARAMS = {}
LINE_ITEMS_PARAMS = {"limit": None, "starting_after": None, "ending_before": None}
CONFIRM_PARAMS = {"client_secret": None, "payment_method": None, "payment_method_type": None,
                  "email": None, "shipping_rate": None,
                  "shipping_details": {"name": None, "address": shipping.ADDRESS}}


def ui_modes(api_version):
    """The (hosted, embedded) `ui_mode` names in that API version."""
    era = "since" if versions.has(api_version, "checkout_ui_mode_names") else "before"
    return UI_MODES[era]


def create(call, params):
    mode = params.choice("mode", ["payment", "setup", "subscription"])
    if mode is None:
        raise missing_param("mode")
    if mode != "payment":
        raise invalid_param(f"The local Stripe emulator only supports mode=payment, "
                            f"not mode={mode}.", param="mode")
    hosted, embedded = ui_modes(call.api_version)
    ui_mode = _ui_mode(params, hosted, embedded)
    urls = _urls(params, ui_mode, hosted)
    items, code, descriptions = _line_items(params.data.get("line_items"), call.store.now())
    subtotal = sum(item["amount_total"] for item in items)
    check_charge_amount(subtotal, code, param="line_items")
    now = call.store.now()
    collection = _shipping_address_collection(params)
    rates = _shipping_rates(call, params.data.get("shipping_options"), code, now)
    # The first option is chosen until the customer picks another on the page.
    shipping_cost = _shipping_cost(rates[0]) if rates else None
    shipping_amount = shipping_cost["amount_total"] if shipping_cost else 0
    check_charge_amount(subtotal + shipping_amount, code, param="shipping_options")
    expires_at = _expires_at(params, now)
    types = _payment_method_types(call, params, code)
    intent_data = _intent_data(params.hash("payment_intent_data"))
    customer_email = params.string("customer_email")
    customer_id = params.string("customer")
    if customer_id:
        customers.find(call, customer_id)
    cs_id = new_id("cs_test")
    session = {
        "id": cs_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": subtotal,
        "amount_total": subtotal + shipping_amount,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": params.string("billing_address_collection"),
        "cancel_url": urls["cancel_url"],
        "client_reference_id": params.string("client_reference_id"),
        "client_secret": f"{cs_id}_secret_{random_token(24)}" if ui_mode == embedded else None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": now,
        "currency": code,
        "custom_fields": [],
        "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                        "terms_of_service_acceptance": None},
        "customer": customer_id,
        "customer_creation": params.string("customer_creation") or "if_required",
        "customer_details": None,
        "customer_email": customer_email,
        "expires_at": expires_at,
        "invoice": None,
        "livemode": False,
        "locale": params.string("locale"),
        "metadata": params.metadata() or {},
        "mode": mode,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_options": {},
        "payment_method_types": types,
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "redirect_on_completion": urls["redirect_on_completion"],
        "return_url": urls["return_url"],
        "setup_intent": None,
        "shipping_address_collection": collection,
        "shipping_cost": shipping_cost,
        "shipping_options": [{"shipping_amount": rate["fixed_amount"]["amount"],
                              "shipping_rate": rate["id"]} for rate in rates],
        "status": "open",
        "submit_type": params.string("submit_type"),
        "subscription": None,
        "success_url": urls["success_url"],
        "total_details": {"amount_discount": 0, "amount_shipping": shipping_amount,
                          "amount_tax": 0},
        "ui_mode": ui_mode,
        "url": f"{call.base_url}/c/pay/{cs_id}" if ui_mode == hosted else None,
    }
    call.store.add(session, line_items=items, descriptions=descriptions,
                   embedded=ui_mode == embedded,
                   intent_data=intent_data, rates=rates)
    emulator = call.emulator
    call.store.clock.at(expires_at, lambda: _expire_when_due(emulator, cs_id))
    return session


def retrieve(call, cs_id, params, expand_paths=()):
    session = find(call, cs_id)
    if "line_items" in expand_paths:
        return {**session, "line_items": _line_items_list(call, session)}
    return session


def list_sessions(call, params):
    intent_id, status = params.string("payment_intent"), params.choice(
        "status", ["open", "complete", "expired"])
    customer = params.string("customer")
    email = params.hash("customer_details").string("email")
    for session in call.store.newest_first("checkout.session"):
        _expire_if_due(call, session)
    sessions = [session for session in call.store.newest_first("checkout.session")
                if intent_id in (None, session["payment_intent"])
                and status in (None, session["status"])
                and customer in (None, session["customer"])
                and email in (None, (session["customer_details"] or {}).get("email"))]
    return page(sessions, params, "/v1/checkout/sessions")


def list_line_items(call, cs_id, params):
    session = find(call, cs_id)
    items = call.store.private[session["id"]]["line_items"]
    return page(items, params, f"/v1/checkout/sessions/{cs_id}/line_items")


def expire(call, cs_id, params):
    session = find(call, cs_id)
    if session["status"] != "open":
        raise invalid_request(f"Only Checkout Sessions with a status in [\"open\"] can be "
                              f"expired. This Checkout Session has a status of "
                              f"{session['status']}.")
    _expire(call, session)
    return session


def find(call, cs_id):
    """The session, expired first if its time has passed while the clock stood still."""
    session = call.store.get("checkout.session", cs_id)
    _expire_if_due(call, session)
    return session


def for_page(call, cs_id, client_secret=None):
    """The session as its payment page may show it, with its line items; embedded sessions
    only to the holder of their client_secret."""
    session = find(call, cs_id)
    private = call.store.private[session["id"]]
    if private["embedded"] and client_secret != session["client_secret"]:
        raise not_found("checkout.session", cs_id)
    return session, [(item, private["descriptions"][item["id"]])
                     for item in private["line_items"]]


def rates_for_page(call, session):
    """The session's shipping rates, in the order of its shipping_options."""
    return [dict(rate) for rate in call.store.private[session["id"]]["rates"]]


def confirm(call, cs_id, params):
    """The payment page's Pay button (Stripe's own endpoint, publishable key).

    With a card's `payment_method`: the first attempt makes the session's PaymentIntent; later
    ones (after a decline) confirm it again with the new card. A card needing 3-D Secure
    leaves the intent in requires_action for the page to run the challenge. With
    `payment_method_type=us_bank_account` the intent is made (or kept) for the page to collect
    and confirm the bank account with Stripe.js. Without either, the page asks where things
    stand after Stripe.js has finished. The intent's events complete the session (`follow`).
    Answers the session; a card decline is Stripe's 402.
    """
    session = find(call, cs_id)
    private = call.store.private[session["id"]]
    if private["embedded"] and params.string("client_secret") != session["client_secret"]:
        raise invalid_param("The client_secret provided does not match the client_secret "
                            "associated with the Checkout Session.", param="client_secret")
    if session["status"] == "expired":
        raise invalid_request("This Checkout Session has expired. Return to the merchant's "
                              "site to start again.")
    if session["status"] == "complete":
        return session
    email = params.string("email") or session["customer_email"]
    if not email:
        raise missing_param("email")
    private["email"] = email
    intent = call.store.find(session["payment_intent"] or "")
    if intent is None or intent["status"] == "requires_payment_method":
        # Until a payment is under way the customer may change where it goes and how.
        _collect_shipping(call, session, params)
    payment_method = params.string("payment_method")
    kind = params.choice("payment_method_type", session["payment_method_types"])
    if payment_method is None and kind is None:
        if intent is None:
            raise missing_param("payment_method")
        return session
    intent = intent or _make_intent(call, session)
    if payment_method is not None:
        try:
            payment_intents.confirm(call, intent["id"], Params({
                "payment_method": payment_method, "client_secret": intent["client_secret"]}))
        except StripeError as error:
            error.payment_intent = None   # the page sees the decline, not the intent
            raise
    return session


def _make_intent(call, session):
    # The session's types, in the words of the version the page's call speaks.
    types_param = "allowed_payment_method_types" if versions.has(
        call.api_version, "allowed_payment_method_types") else "payment_method_types"
    details = call.store.private[session["id"]].get("shipping_details")
    # Checkout gives the PaymentIntent the address it collected, as its `shipping`.
    shipped = {"shipping": {"name": details["name"],
                            "address": {k: v for k, v in details["address"].items() if v}}
               } if details else {}
    intent = payment_intents.create(call, Params({
        "amount": str(session["amount_total"]), "currency": session["currency"],
        types_param: session["payment_method_types"],
        **call.store.private[session["id"]]["intent_data"], **shipped}))
    session["payment_intent"] = intent["id"]
    call.store.private[intent["id"]]["checkout_session"] = session["id"]
    return intent


def page_state(call, session):
    """What the payment page needs after a Pay: the intent's client_secret while 3-D Secure is
    pending, where to go once complete."""
    intent = call.store.find(session["payment_intent"] or "")
    return {
        "status": session["status"],
        "payment_status": session["payment_status"],
        "requires_action": bool(intent and intent["status"] == "requires_action"
                                and not _awaits_microdeposits(intent)),
        "payment_intent_client_secret": intent["client_secret"] if intent else None,
        "redirect_url": completion_url(session),
    }


def completion_url(session):
    """Where the customer goes once the session is complete (None: stay on the page; an
    embedded page then calls the shop's onComplete). Cards never need the redirect that
    `if_required` asks for."""
    if session["status"] != "complete" or session["redirect_on_completion"] in (
            "if_required", "never"):
        return None
    url = session["success_url"] or session["return_url"]
    return url.replace("{CHECKOUT_SESSION_ID}", session["id"]) if url else None


def follow(call, intent):
    """The session that made `intent` follows it (called on each of the intent's events).

    Paid at once by card: complete and paid. A bank debit that starts processing (or waits for
    microdeposits) completes the session unpaid; its settlement later sends
    checkout.session.async_payment_succeeded (paid) or async_payment_failed.
    """
    cs_id = call.store.private.get(intent["id"], {}).get("checkout_session")
    session = call.store.find(cs_id or "")
    if session is None:
        return
    status = intent["status"]
    if session["status"] == "open":
        if status == "succeeded":
            _complete(call, session, intent, "paid")
        elif status == "processing" or _awaits_microdeposits(intent):
            _complete(call, session, intent, "unpaid")
    elif session["status"] == "complete" and session["payment_status"] == "unpaid":
        if status == "succeeded":
            session["payment_status"] = "paid"
            emit(call, "checkout.session.async_payment_succeeded", session)
        elif status == "requires_payment_method":
            emit(call, "checkout.session.async_payment_failed", session)


listen("payment_intent.", follow)  # events tell Checkout without importing it


def _awaits_microdeposits(intent):
    return intent["status"] == "requires_action" and \
        (intent["next_action"] or {}).get("type") == "verify_with_microdeposits"


def _complete(call, session, intent, payment_status):
    payment_method = call.store.find(intent["payment_method"] or "") or {}
    billing = payment_method.get("billing_details") or {}
    details = call.store.private[session["id"]].get("shipping_details")
    if details is not None:
        session["collected_information"] = {"business_name": None, "individual_name": None,
                                            "shipping_details": details}
    session.update(status="complete", payment_status=payment_status, url=None,
                   customer_details={
                       "address": billing.get("address"),
                       "email": call.store.private[session["id"]].get("email")
                       or session["customer_email"],
                       "name": billing.get("name"), "phone": billing.get("phone"),
                       "tax_exempt": "none", "tax_ids": []})
    emit(call, "checkout.session.completed", session)


def _expire(call, session):
    session.update(status="expired", url=None)
    emit(call, "checkout.session.expired", session)


def _expire_if_due(call, session):
    if session["status"] == "open" and call.store.now() >= session["expires_at"]:
        _expire(call, session)


def _expire_when_due(emulator, cs_id):
    """Run by the clock at `expires_at` (it holds the emulator's lock)."""
    session = emulator.store.find(cs_id)
    if session is not None:
        _expire_if_due(Call(emulator), session)


def _ui_mode(params, hosted, embedded):
    value = params.string("ui_mode")
    if value in NOT_EMULATED_UI_MODES:
        raise invalid_param(f"ui_mode={value} (Checkout with Elements on your own page) is not "
                            "supported by the local Stripe emulator.", param="ui_mode")
    return params.choice("ui_mode", [hosted, embedded], hosted)


def _urls(params, ui_mode, hosted):
    urls = {name: params.string(name) for name in ("success_url", "cancel_url", "return_url")}
    redirect = params.choice("redirect_on_completion", ["always", "if_required", "never"])
    if ui_mode == hosted:
        unsupported = [name for name in ("redirect_on_completion", "return_url")
                       if params.string(name)]
        required = ["success_url"]
    else:
        unsupported = [name for name in ("cancel_url", "success_url") if urls[name]]
        required = [] if redirect == "never" else ["return_url"]
        if redirect == "never" and urls["return_url"]:
            raise invalid_param("return_url cannot be set when redirect_on_completion is "
                                "`never`.", param="return_url")
        redirect = redirect or "always"
    if unsupported:
        raise invalid_param(f"The following parameters are not supported with 'ui_mode: "
                            f"{ui_mode}': {', '.join(sorted(unsupported))}.",
                            param=sorted(unsupported)[0])
    for name in required:
        if not urls[name]:
            raise missing_param(name)
    for name, url in urls.items():
        if url and not url.startswith(("http://", "https://")):
            raise invalid_param("Not a valid URL", param=name, code="url_invalid")
    return {**urls, "redirect_on_completion": redirect}


def _intent_data(data):
    """`payment_intent_data` as the PaymentIntent's own create parameters."""
    for name in _INTENT_NOT_EMULATED:
        if name in data:
            raise invalid_param(f"{data.path(name)} is not supported by the local Stripe "
                                "emulator.", param=data.path(name))
    fields = {name: data.string(name) for name in _INTENT_FIELDS if data.string(name)}
    return {"metadata": data.metadata() or {}, **fields}


def _payment_method_types(call, params, code):
    """The types asked for, or cards (what the emulated account's Dashboard turns on).
    `allowed_payment_method_types` (from 2026-07-29) filters what the account has turned on;
    `payment_method_types` is refused from 2026-09-30 (payment_intents.requested_types)."""
    activated = payment_intents.ACTIVATED_TYPES
    if "allowed_payment_method_types" in params or "payment_method_types" in params:
        types, named_by = payment_intents.requested_types(call, params, code)
        if named_by == "allowed_payment_method_types":
            return types
    types = params.strings("payment_method_types") or list(activated[:1])
    for kind in types:
        if kind not in activated:
            raise invalid_param(f"The payment method type provided: {kind} is invalid. The "
                                f"local Stripe emulator has {', '.join(activated)} activated.",
                                param="payment_method_types")
        allowed = payment_intents.TYPE_CURRENCIES.get(kind)
        if allowed and code not in allowed:
            raise invalid_param(f"The currency provided ({code}) is invalid. Payments with "
                                f"{kind} support the following currencies: "
                                f"{', '.join(allowed)}.", param="payment_method_types")
    return types


def _expires_at(params, now):
    expires_at = params.integer("expires_at")
    if expires_at is None:
        return now + MAX_LIFETIME
    if expires_at < now + MIN_LIFETIME:
        raise invalid_param("The `expires_at` timestamp must be at least 30 minutes from "
                            "Checkout Session creation.", param="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise invalid_param("The `expires_at` timestamp must be less than 24 hours from "
                            "Checkout Session creation.", param="expires_at")
    return expires_at


def _line_items(value, now):
    """The items as Stripe lists them (`item` objects with their price), their currency, and
    each item's product description (shown on the page; not part of the item)."""
    if not value:
        raise missing_param("line_items")
    if isinstance(value, dict):
        value = [value[key] for key in sorted(value, key=int)] if all(
            key.isdigit() for key in value) else None
    if not isinstance(value, list):
        raise invalid_param("Invalid array", param="line_items")
    items, codes, descriptions = [], set(), {}
    for index, raw in enumerate(value):
        line = Params(raw, f"line_items[{index}]")
        reject_unknown(line.data, _LINE_ITEM, line.prefix)
        if line.string("price"):
            raise invalid_param("The local Stripe emulator has no Prices: use "
                                "line_items[].price_data.", param=line.path("price"))
        price_data = line.hash("price_data")
        if not price_data.data:
            raise invalid_param(f"You must specify either `price` or `price_data` in "
                                f"line_items[{index}].", param=line.path("price_data"))
        product = price_data.hash("product_data")
        name = product.string("name", required=True)
        code = currency(price_data.string("currency", required=True))
        unit_amount = price_data.integer("unit_amount", required=True, minimum=0)
        quantity = line.integer("quantity", required=True, minimum=1, maximum=999_999)
        codes.add(code)
        amount = unit_amount * quantity
        item_id = new_id("li")
        descriptions[item_id] = product.string("description")
        items.append({
            "id": item_id,
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": amount,
            "amount_tax": 0,
            "amount_total": amount,
            "currency": code,
            "description": name,
            "price": {
                "id": new_id("price"), "object": "price", "active": False,
                "billing_scheme": "per_unit", "created": now, "currency": code,
                "livemode": False,
                "lookup_key": None, "metadata": {}, "nickname": None,
                "product": new_id("prod"),
                "recurring": None, "tax_behavior": "unspecified", "type": "one_time",
                "unit_amount": unit_amount, "unit_amount_decimal": str(unit_amount),
            },
            "quantity": quantity,
        })
    if len(codes) > 1:
        raise invalid_param("All line items must have the same currency: "
                            f"{', '.join(sorted(codes))} given.", param="line_items")
    return items, codes.pop(), descriptions


def _line_items_list(call, session):
    items = call.store.private[session["id"]]["line_items"]
    return {"object": "list", "data": items, "has_more": False,
            "url": f"/v1/checkout/sessions/{session['id']}/line_items"}


def _shipping_address_collection(params):
    collection = params.hash("shipping_address_collection")
    if not collection.data:
        return None
    countries = collection.strings("allowed_countries")
    if not countries:
        raise missing_param(collection.path("allowed_countries"))
    for country in countries:
        # Stripe lists the ISO 3166-1 codes it ships to; the emulator checks the shape only.
        if len(country) != 2 or not (country.isascii() and country.isalpha() and country.isupper()):
            raise invalid_param(f"Invalid {collection.path('allowed_countries')}: {country} is not "
                                "a country Checkout ships to.",
                                param=collection.path("allowed_countries"))
    return {"allowed_countries": countries}


def _shipping_rates(call, value, code, now):
    """The shipping_options' rates, each made as Stripe makes a ShippingRate from
    `shipping_rate_data` (stored; the emulator has no ShippingRates of its own to name)."""
    if value in (None, ""):
        return []
    if isinstance(value, dict) and all(key.isdigit() for key in value):
        value = [value[key] for key in sorted(value, key=int)]
    if not isinstance(value, list):
        raise invalid_param("Invalid array", param="shipping_options")
    if len(value) > MAX_SHIPPING_OPTIONS:
        raise invalid_param(f"You may only specify up to {MAX_SHIPPING_OPTIONS} shipping options.",
                            param="shipping_options")
    rates = []
    for index, raw in enumerate(value):
        option = Params(raw, f"shipping_options[{index}]")
        reject_unknown(option.data, _SHIPPING_OPTION, option.prefix)
        if option.string("shipping_rate"):
            raise invalid_param("The local Stripe emulator has no ShippingRates: use "
                                "shipping_options[].shipping_rate_data.",
                                param=option.path("shipping_rate"))
        data = option.hash("shipping_rate_data")
        if not data.data:
            raise invalid_param(f"You must specify either `shipping_rate` or "
                                f"`shipping_rate_data` in shipping_options[{index}].",
                                param=option.path("shipping_rate_data"))
        kind = data.choice("type", ["fixed_amount"], "fixed_amount")
        fixed = data.hash("fixed_amount")
        if not fixed.data:
            raise missing_param(data.path("fixed_amount"))
        amount = fixed.integer("amount", required=True, minimum=0)
        rate_currency = currency(fixed.string("currency", required=True))
        if rate_currency != code:
            raise invalid_param(f"The shipping rate's currency ({rate_currency}) must match the "
                                f"currency of the line items ({code}).",
                                param=fixed.path("currency"))
        rate = {
            "id": new_id("shr"), "object": "shipping_rate", "active": True, "created": now,
            "delivery_estimate": _delivery_estimate(data.hash("delivery_estimate")),
            "display_name": data.string("display_name", required=True),
            "fixed_amount": {"amount": amount, "currency": rate_currency},
            "livemode": False, "metadata": data.metadata() or {},
            "tax_behavior": data.choice("tax_behavior", ["exclusive", "inclusive", "unspecified"]),
            "tax_code": data.string("tax_code"), "type": kind,
        }
        call.store.add(rate)
        rates.append(rate)
    return rates


def _delivery_estimate(estimate):
    if not estimate.data:
        return None
    bounds = {}
    for name in ("minimum", "maximum"):
        bound = estimate.hash(name)
        bounds[name] = {"unit": bound.choice("unit", ESTIMATE_UNITS),
                        "value": bound.integer("value", required=True, minimum=1)
                        } if bound.data else None
        if bound.data and bounds[name]["unit"] is None:
            raise missing_param(bound.path("unit"))
    return bounds


def _shipping_cost(rate):
    amount = rate["fixed_amount"]["amount"]
    return {"amount_subtotal": amount, "amount_tax": 0, "amount_total": amount,
            "shipping_rate": rate["id"]}


def _collect_shipping(call, session, params):
    """The page's shipping address and chosen rate (its Pay sends them with each confirm)."""
    private = call.store.private[session["id"]]
    rate_id = params.string("shipping_rate")
    if rate_id is not None:
        rate = next((rate for rate in private["rates"] if rate["id"] == rate_id), None)
        if rate is None:
            raise invalid_param(f"The shipping rate {rate_id} is not one of this Checkout "
                                "Session's shipping options.", param="shipping_rate")
        cost = _shipping_cost(rate)
        session.update(shipping_cost=cost,
                       amount_total=session["amount_subtotal"] + cost["amount_total"])
        session["total_details"]["amount_shipping"] = cost["amount_total"]
    collection = session["shipping_address_collection"]
    if collection is None:
        return
    given = params.hash("shipping_details")
    if not given.data:
        if private.get("shipping_details") is None:
            raise missing_param("shipping_details")
        return
    address = given.hash("address")
    for name in ("line1", "city", "country"):
        address.string(name, required=True)
    if address.string("country") not in collection["allowed_countries"]:
        raise invalid_param(f"This merchant does not ship to {address.string('country')}.",
                            param=address.path("country"))
    private["shipping_details"] = {
        "address": {name: address.string(name) for name in shipping.ADDRESS},
        "name": given.string("name", required=True)}
