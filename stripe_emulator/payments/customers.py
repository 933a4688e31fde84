"""Customers: enough to attach PaymentMethods and to name on PaymentIntents."""
from ..machinery.events import emit
from ..machinery.params import FREE
from ..machinery.store import new_id, random_token
from . import payment_methods

CREATE_PARAMS = {
    "email": None, "name": None, "description": None, "phone": None, "metadata": FREE,
    "payment_method": None, "address": None, "shipping": None, "invoice_settings": None,
    "preferred_locales": None, "tax_exempt": None, "balance": None, "invoice_prefix": None,
    "next_invoice_sequence": None, "source": None, "tax": None, "tax_id_data": None,
    "test_clock": None, "cash_balance": None,
}


def create(call, params):
    email, name = params.string("email"), params.string("name")
    description, phone = params.string("description"), params.string("phone")
    metadata = params.metadata() or {}
    payment_method_id = params.string("payment_method")
    if payment_method_id:
        payment_method_id = payment_methods.check_attachable(call, payment_method_id)["id"]
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
    })
    emit(call, "customer.created", customer)
    if payment_method_id:
        payment_methods.attach_to(call, payment_method_id, customer["id"])
    return customer


def retrieve(call, customer_id):
    return call.store.get("customer", customer_id)
