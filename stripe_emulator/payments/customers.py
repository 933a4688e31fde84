"""Customers: who a saved PaymentMethod belongs to, with its default for future payments.

Create, retrieve, update, delete and list (by `email`), each change an event
(`customer.created`, `customer.updated` with `previous_attributes`, `customer.deleted`). As on
Stripe, a deleted customer is still found by retrieve, as the stub `{id, object, deleted}`;
everything else treats it as missing ("No such customer").
"""
import copy

from ..machinery.errors import invalid_param, not_found
from ..machinery.events import emit, emit_updated
from ..machinery.params import FREE, merge_metadata
from ..machinery.store import new_id, page, random_token
from . import payment_methods

_COMMON = {
    "email": None, "name": None, "description": None, "phone": None, "metadata": FREE,
    "address": None, "shipping": None, "invoice_settings": None, "preferred_locales": None,
    "tax_exempt": None, "balance": None, "invoice_prefix": None, "next_invoice_sequence": None,
    "source": None, "tax": None, "cash_balance": None, "business_name": None,
    "individual_name": None,
}
CREATE_PARAMS = {**_COMMON, "payment_method": None, "tax_id_data": None, "test_clock": None}
UPDATE_PARAMS = {**_COMMON, "default_source": None, "validate": None}
LIST_PARAMS = {"email": None, "created": None, "test_clock": None, "limit": None,
               "starting_after": None, "ending_before": None}
PAYMENT_METHODS_PARAMS = {"type": None, "allow_redisplay": None, "limit": None,
                          "starting_after": None, "ending_before": None}


def create(call, params):
    email, name = params.string("email"), params.string("name")
    description, phone = params.string("description"), params.string("phone")
    metadata = params.metadata() or {}
    payment_method_id = params.string("payment_method")
    if payment_method_id:
        payment_method_id = payment_methods.check_attachable(call, payment_method_id)["id"]
    default_id = params.hash("invoice_settings").string("default_payment_method")
    if default_id and default_id != payment_method_id:
        raise _not_attached(default_id)
    customer = call.store.add({
        "id": new_id("cus"),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": call.store.now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": description,
        "discount": None,
        "email": email,
        "invoice_prefix": random_token(8).upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None,
                             "footer": None, "rendering_options": None},
        "livemode": False,
        "metadata": metadata,
        "name": name,
        "next_invoice_sequence": 1,
        "phone": phone,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }, deleted=False)
    customer["invoice_settings"]["default_payment_method"] = default_id
    emit(call, "customer.created", customer)
    if payment_method_id:
        payment_methods.attach_to(call, payment_method_id, customer["id"])
    return customer


def find(call, customer_id):
    """The customer, if it exists and is not deleted (Stripe's 404 otherwise)."""
    customer = call.store.get("customer", customer_id)
    if call.store.private[customer_id].get("deleted"):
        raise not_found("customer", customer_id)
    return customer


def retrieve(call, customer_id):
    customer = call.store.get("customer", customer_id)
    if call.store.private[customer_id].get("deleted"):
        return _deleted_stub(customer)
    return customer


def update(call, customer_id, params):
    customer = find(call, customer_id)
    before = copy.deepcopy(customer)
    metadata = merge_metadata(customer["metadata"], params.metadata())
    for name in ("email", "name", "description", "phone"):
        if name in params:
            customer[name] = params.string(name)
    settings = params.hash("invoice_settings")
    if "default_payment_method" in settings:
        default_id = settings.string("default_payment_method")
        if default_id:
            payment_method = payment_methods.find(call, default_id)
            if payment_method["customer"] != customer_id:
                raise _not_attached(default_id)
        customer["invoice_settings"]["default_payment_method"] = default_id
    customer["metadata"] = metadata
    emit_updated(call, customer, before)
    return customer


def delete(call, customer_id):
    customer = find(call, customer_id)
    call.store.private[customer_id]["deleted"] = True
    emit(call, "customer.deleted", customer)
    return _deleted_stub(customer)


def list_customers(call, params):
    email = params.string("email")
    found = [customer for customer in call.store.newest_first("customer")
             if not call.store.private[customer["id"]].get("deleted")
             and email in (None, customer["email"])]
    return page(found, params, "/v1/customers")


def list_payment_methods(call, customer_id, params):
    """GET /v1/customers/<id>/payment_methods: the customer's saved methods, newest first."""
    find(call, customer_id)
    found = payment_methods.attached_to(call, customer_id, params)
    return page(found, params, f"/v1/customers/{customer_id}/payment_methods")


def retrieve_payment_method(call, customer_id, payment_method_id):
    find(call, customer_id)
    payment_method = call.store.get("payment_method", payment_method_id)
    if payment_method["customer"] != customer_id:
        raise not_found("payment_method", payment_method_id)
    return payment_method


def _deleted_stub(customer):
    return {"id": customer["id"], "object": "customer", "deleted": True}


def _not_attached(payment_method_id):
    return invalid_param(f"The customer does not have a payment method with the ID "
                         f"{payment_method_id}. The payment method must be attached to the "
                         "customer.", param="invoice_settings[default_payment_method]")
