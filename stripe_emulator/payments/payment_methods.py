"""PaymentMethods: card or US bank account details checked as Stripe checks them, then kept
behind an id (bank_accounts.py holds the bank side).

A PaymentMethod never attached to a Customer can back one PaymentIntent only, as on Stripe:
reusing it for a second intent is refused, so is attaching it once it has been charged (unless
that intent had `setup_future_usage`), and so is using it again once detached. Attach and detach
emit `payment_method.attached` / `payment_method.detached`; detaching a customer's default
clears it (`customer.updated`).
"""
import copy

from ..machinery.errors import invalid_param, not_found
from ..machinery.events import emit, emit_updated
from ..machinery.params import FREE, Params
from ..machinery.store import new_id, page
from . import bank_accounts, cards

_ADDRESS = {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
            "state": None}
BILLING_DETAILS = {"address": _ADDRESS, "email": None, "name": None, "phone": None,
                   "tax_id": None}
CARD = {"number": None, "exp_month": None, "exp_year": None, "cvc": None, "networks": None,
        "token": None}
DATA = {"type": None, "card": CARD, "billing_details": BILLING_DETAILS, "metadata": FREE,
        "allow_redisplay": None, "radar_options": None,
        "us_bank_account": bank_accounts.US_BANK_ACCOUNT}
TYPES = ("card", "us_bank_account")
# Stripe.js adds its own telemetry to the call that creates a PaymentMethod.
CREATE_PARAMS = {**DATA, "customer": None, "payment_method": None, "payment_user_agent": None,
                 "time_on_page": None, "guid": None, "muid": None, "sid": None,
                 "referrer": None, "client_attribution_metadata": None}
ATTACH_PARAMS = {"customer": None}
DETACH_PARAMS = {}
LIST_PARAMS = {"customer": None, "type": None, "allow_redisplay": None, "limit": None,
               "starting_after": None, "ending_before": None}

REUSED = ("The provided PaymentMethod was previously used with a PaymentIntent without Customer "
          "attachment, shared with a connected account without Customer attachment, or was "
          "detached from a Customer. It may not be used again. To use a PaymentMethod multiple "
          "times, you must attach it to a Customer first.")


def create(call, params, *, linked_account=None):
    """`linked_account`: an account chosen in the bank dialog (instant verification)."""
    kind = params.string("type", required=True)
    if kind not in TYPES:
        raise invalid_param(f"Invalid type: {kind}. The emulator models card and "
                            "us_bank_account PaymentMethods only.", param="type")
    billing = params.hash("billing_details")
    address = billing.hash("address")
    billing_details = {
        "address": {name: address.string(name) for name in _ADDRESS},
        "email": billing.string("email"),
        "name": billing.string("name"),
        "phone": billing.string("phone"),
        "tax_id": None,
    }
    payment_method = {
        "id": new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": params.choice("allow_redisplay", ["always", "limited", "unspecified"],
                                         "unspecified"),
        "billing_details": billing_details,
        "created": call.store.now(),
        "customer": None,
        "livemode": False,
        "metadata": params.metadata() or {},
        "type": kind,
    }
    if kind == "us_bank_account":
        bank_accounts.check_billing(billing)
        bank, private = bank_accounts.linked(linked_account) if linked_account \
            else bank_accounts.from_params(params)
        payment_method["us_bank_account"] = bank
        return call.store.add(payment_method, used_by=None, detached=False, **private)
    card_params = params.hash("card")
    if not card_params.data:
        raise invalid_param("Missing required param: card.", param="card",
                            code="parameter_missing")
    number, card = cards.validate(card_params, call.store.clock.today())
    if billing_details["address"]["postal_code"]:
        card["checks"]["address_postal_code_check"] = "unchecked"
    if billing_details["address"]["line1"]:
        card["checks"]["address_line1_check"] = "unchecked"
    payment_method["card"] = card
    return call.store.add(payment_method, number=number, cvc=card_params.string("cvc"),
                          used_by=None, detached=False, set_up=False)


def find(call, payment_method_id):
    """The PaymentMethod; a test one (pm_card_visa…) makes a new PaymentMethod of its card."""
    number = cards.TEST_PAYMENT_METHODS.get(payment_method_id)
    if number is None:
        return call.store.get("payment_method", payment_method_id)
    return create(call, Params({"type": "card",
                                "card": cards.test_card(number, call.store.clock.today())}))


def retrieve(call, payment_method_id):
    return find(call, payment_method_id)


def attach(call, payment_method_id, params):
    customer_id = params.string("customer", required=True)
    customer = call.store.get("customer", customer_id)
    if call.store.private[customer_id].get("deleted"):
        raise not_found("customer", customer_id)
    payment_method = check_attachable(call, payment_method_id, attaching_to=customer["id"])
    return attach_to(call, payment_method["id"], customer_id)


def check_attachable(call, payment_method_id, attaching_to=None):
    """Stripe verifies a card when it is attached: cards that decline refuse (except 0341)."""
    payment_method = find(call, payment_method_id)
    payment_method_id = payment_method["id"]
    private = call.store.private[payment_method_id]
    if payment_method["customer"] and payment_method["customer"] == attaching_to:
        return payment_method  # attaching again to the same customer changes nothing
    if payment_method["customer"]:
        raise invalid_param("The payment method you provided has already been attached to a "
                            "customer.", param="payment_method")
    if private["used_by"] or private.get("detached"):
        raise invalid_param(REUSED, param="payment_method")
    if payment_method["type"] != "card":
        return payment_method
    card = cards.behaviour(private["number"])
    if not card.attaches:
        raise card.decline.error()
    return payment_method


def attach_to(call, payment_method_id, customer_id):
    payment_method = call.store.get("payment_method", payment_method_id)
    if payment_method["customer"] == customer_id:
        return payment_method
    payment_method["customer"] = customer_id
    emit(call, "payment_method.attached", payment_method)
    return payment_method


def detach(call, payment_method_id):
    payment_method = call.store.get("payment_method", payment_method_id)
    customer_id = payment_method["customer"]
    if customer_id is None:
        raise invalid_param("The payment method you provided is not attached to a customer so "
                            "detachment is impossible.", param="payment_method")
    payment_method["customer"] = None
    call.store.private[payment_method_id]["detached"] = True
    customer = call.store.find(customer_id)
    if customer and customer["invoice_settings"]["default_payment_method"] == payment_method_id:
        before = copy.deepcopy(customer)
        customer["invoice_settings"]["default_payment_method"] = None
        emit_updated(call, customer, before)
    # Stripe's detached event carries the customer it left in previous_attributes.
    emit(call, "payment_method.detached", payment_method,
         previous_attributes={"customer": customer_id})
    return payment_method


def attached_to(call, customer_id, params):
    """The PaymentMethods attached to a customer, newest first, filtered by `type` and
    `allow_redisplay` if given."""
    kind = params.string("type")
    if kind is not None and kind not in TYPES:
        raise invalid_param(f"Invalid type: {kind}. The emulator models card and "
                            "us_bank_account PaymentMethods only.", param="type")
    redisplay = params.choice("allow_redisplay", ["always", "limited", "unspecified"])
    return [payment_method for payment_method in call.store.newest_first("payment_method")
            if payment_method["customer"] == customer_id
            and kind in (None, payment_method["type"])
            and redisplay in (None, payment_method["allow_redisplay"])]


def list_payment_methods(call, params):
    """GET /v1/payment_methods?customer=…&type=…"""
    customer_id = params.string("customer")
    if customer_id is None:
        return page([], params, "/v1/payment_methods")
    customer = call.store.get("customer", customer_id)
    if call.store.private[customer["id"]].get("deleted"):
        raise not_found("customer", customer_id)
    return page(attached_to(call, customer_id, params), params, "/v1/payment_methods")


def check_usable(call, payment_method, payment_intent_id, customer_id):
    """May this PaymentMethod pay this intent? Stripe's refusal if not."""
    if payment_method["customer"] and payment_method["customer"] != customer_id:
        raise invalid_param(f"The provided PaymentMethod belongs to Customer "
                            f"{payment_method['customer']}. Please include the Customer in "
                            "the `customer` parameter on the PaymentIntent.",
                            param="payment_method")
    private = call.store.private[payment_method["id"]]
    if not payment_method["customer"] and (private["used_by"] not in (None, payment_intent_id)
                                           or private.get("detached")):
        raise invalid_param(REUSED, param="payment_method")


def mark_used(call, payment_method_id, payment_intent_id, *, for_future=False):
    """`for_future`: the intent sets the method up for later (`setup_future_usage`), so it may
    still be attached to a customer afterwards."""
    private = call.store.private[payment_method_id]
    if not for_future:
        private["used_by"] = private["used_by"] or payment_intent_id


def mark_set_up(call, payment_method_id):
    """The card was authenticated while being set up for future payments: a card that asks for
    3-D Secure only when it is set up (4000002500003155) pays without it from now on."""
    call.store.private[payment_method_id]["set_up"] = True


def is_set_up(call, payment_method_id):
    return call.store.private[payment_method_id].get("set_up", False)


def card_number(call, payment_method_id):
    return call.store.private[payment_method_id]["number"]

