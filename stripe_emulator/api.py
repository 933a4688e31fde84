"""The /v1 REST endpoints: each reads its parameters and calls the module that models it."""
from flask import Blueprint
from werkzeug.exceptions import NotFound

from . import (charges, customers, events, payment_intents, payment_methods, pipeline, refunds,
               webhook_endpoints)
from .pipeline import respond

bp = Blueprint("api", __name__, url_prefix="/v1")

# Where Stripe lets a browser's publishable key through (the intent ones need its client_secret).
PUBLISHABLE_ENDPOINTS = {"create_payment_method", "retrieve_payment_intent",
                         "confirm_payment_intent", "three_ds_challenge"}
pipeline.install(bp, PUBLISHABLE_ENDPOINTS)

NO_PARAMS = {}
_LIST = {"limit": None, "starting_after": None, "ending_before": None}


@bp.post("/payment_methods")
def create_payment_method():
    return respond(payment_methods.CREATE_PARAMS, payment_methods.create)


@bp.get("/payment_methods/<pm_id>")
def retrieve_payment_method(pm_id):
    return respond(NO_PARAMS, lambda call, params: payment_methods.retrieve(call, pm_id))


@bp.post("/payment_methods/<pm_id>/attach")
def attach_payment_method(pm_id):
    return respond(payment_methods.ATTACH_PARAMS,
                   lambda call, params: payment_methods.attach(call, pm_id, params))


@bp.post("/payment_intents")
def create_payment_intent():
    return respond(payment_intents.CREATE_PARAMS, payment_intents.create)


@bp.get("/payment_intents")
def list_payment_intents():
    return respond(payment_intents.LIST_PARAMS, payment_intents.list_intents)


@bp.get("/payment_intents/search")
def search_payment_intents():
    return respond(payment_intents.SEARCH_PARAMS, payment_intents.search_intents)


@bp.get("/payment_intents/<pi_id>")
def retrieve_payment_intent(pi_id):
    return respond(payment_intents.RETRIEVE_PARAMS,
                   lambda call, params: payment_intents.retrieve(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>")
def update_payment_intent(pi_id):
    return respond(payment_intents.UPDATE_PARAMS,
                   lambda call, params: payment_intents.update(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>/confirm")
def confirm_payment_intent(pi_id):
    return respond(payment_intents.CONFIRM_PARAMS,
                   lambda call, params: payment_intents.confirm(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>/capture")
def capture_payment_intent(pi_id):
    return respond(payment_intents.CAPTURE_PARAMS,
                   lambda call, params: payment_intents.capture(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>/cancel")
def cancel_payment_intent(pi_id):
    return respond(payment_intents.CANCEL_PARAMS,
                   lambda call, params: payment_intents.cancel(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>/three_ds_challenge")
def three_ds_challenge(pi_id):
    return respond(payment_intents.CHALLENGE_PARAMS,
                   lambda call, params: payment_intents.three_ds_challenge(call, pi_id, params))


@bp.get("/charges/<charge_id>")
def retrieve_charge(charge_id):
    return respond(NO_PARAMS, lambda call, params: charges.retrieve(call, charge_id))


@bp.post("/refunds")
def create_refund():
    return respond(refunds.CREATE_PARAMS, refunds.create)


@bp.get("/refunds/<refund_id>")
def retrieve_refund(refund_id):
    return respond(NO_PARAMS, lambda call, params: refunds.retrieve(call, refund_id))


@bp.post("/refunds/<refund_id>/cancel")
def cancel_refund(refund_id):
    return respond(refunds.CANCEL_PARAMS,
                   lambda call, params: refunds.cancel(call, refund_id, params))


@bp.get("/refunds")
def list_refunds():
    return respond(refunds.LIST_PARAMS, refunds.list_refunds)


@bp.get("/events/<event_id>")
def retrieve_event(event_id):
    return respond(NO_PARAMS, lambda call, params: events.retrieve(call, event_id))


@bp.get("/events")
def list_events():
    return respond(events.LIST_PARAMS, events.list_events)


@bp.post("/customers")
def create_customer():
    return respond(customers.CREATE_PARAMS, customers.create)


@bp.get("/customers/<customer_id>")
def retrieve_customer(customer_id):
    return respond(NO_PARAMS, lambda call, params: customers.retrieve(call, customer_id))


@bp.post("/webhook_endpoints")
def create_webhook_endpoint():
    return respond(webhook_endpoints.CREATE_PARAMS, webhook_endpoints.create)


@bp.get("/webhook_endpoints")
def list_webhook_endpoints():
    return respond(_LIST, webhook_endpoints.list_endpoints)


@bp.get("/webhook_endpoints/<endpoint_id>")
def retrieve_webhook_endpoint(endpoint_id):
    return respond(NO_PARAMS,
                   lambda call, params: webhook_endpoints.retrieve(call, endpoint_id))


@bp.delete("/webhook_endpoints/<endpoint_id>")
def delete_webhook_endpoint(endpoint_id):
    return respond(NO_PARAMS, lambda call, params: webhook_endpoints.delete(call, endpoint_id))


@bp.route("/<path:rest>", methods=["GET", "POST", "DELETE", "PUT", "PATCH"])
def unknown(rest):
    raise NotFound()  # answered in Stripe's words by the pipeline
