"""Mandates: the customer's permission to debit their bank account, recorded on confirmation.

`mandate_data[customer_acceptance]` comes from the server (online: ip_address, user_agent) or
from Stripe.js (`online[infer_from_client]=true`: the emulator takes them from the request).
A mandate is `pending` until its bank account is verified, `active` after, and `inactive` once
the bank refuses debits for good (account closed, no account, debit not authorised); each
change after creation emits `mandate.updated`.
"""
from flask import request

from ..machinery.errors import invalid_param
from ..machinery.events import emit
from ..machinery.store import new_id

_ONLINE = {"ip_address": None, "user_agent": None, "infer_from_client": None}
DATA = {"customer_acceptance": {"type": None, "accepted_at": None, "online": _ONLINE,
                                "offline": {}}}

MANDATE_REQUIRED = (
    "The PaymentIntent requires a mandate, but no existing mandate was found. Collect mandate "
    "acceptance from the customer and try again, providing acceptance data in the mandate_data "
    "parameter.")


def create(call, payment_method, mandate_data, *, verified):
    """The mandate for this confirmation; `mandate_data` as the confirm call sent it."""
    acceptance = mandate_data.hash("customer_acceptance")
    if not acceptance.data:
        raise invalid_param(MANDATE_REQUIRED, param="mandate_data")
    kind = acceptance.choice("type", ["online", "offline"])
    if kind is None:
        raise invalid_param("Missing required param: mandate_data[customer_acceptance][type].",
                            param="mandate_data[customer_acceptance][type]",
                            code="parameter_missing")
    online = None
    if kind == "online":
        given = acceptance.hash("online")
        if given.boolean("infer_from_client"):
            online = {"ip_address": request.remote_addr,
                      "user_agent": request.headers.get("User-Agent")}
        else:
            online = {"ip_address": given.string("ip_address", required=True),
                      "user_agent": given.string("user_agent", required=True)}
    return call.store.add({
        "id": new_id("mandate"),
        "object": "mandate",
        "customer_acceptance": {
            "accepted_at": acceptance.integer("accepted_at") or call.store.now(),
            "offline": {} if kind == "offline" else None,
            "online": online,
            "type": kind,
        },
        "livemode": False,
        "multi_use": {},
        "on_behalf_of": None,
        "payment_method": payment_method["id"],
        "payment_method_details": {"type": "us_bank_account",
                                   "us_bank_account": {"collection_method": None}},
        "single_use": None,
        "status": "active" if verified else "pending",
        "type": "multi_use",
    })


def set_status(call, mandate_id, status):
    mandate = call.store.get("mandate", mandate_id)
    if mandate["status"] != status:
        mandate["status"] = status
        emit(call, "mandate.updated", mandate)


def retrieve(call, mandate_id):
    return call.store.get("mandate", mandate_id)
