"""The /v1 REST endpoints: each reads its parameters and calls the module that models it."""
from flask import Blueprint
from werkzeug.exceptions import NotFound

from .bank import bank_debits
from .checkout import checkout_sessions
from .connect import account_links, accounts, transfers
from .machinery import events, pipeline, webhook_endpoints
from .machinery.pipeline import respond
from .payments import (balance, balance_transactions, charges, customers, disputes, mandates,
                       payment_intents, payment_methods, refunds, setup_intents)
from .tax import calculations, transactions

bp = Blueprint("api", __name__, url_prefix="/v1")

# Where Stripe lets a browser's publishable key through (the intent ones need its client_secret).
PUBLISHABLE_ENDPOINTS = {"create_payment_method", "retrieve_payment_intent",
                         "confirm_payment_intent", "three_ds_challenge",
                         "verify_microdeposits", "collect_bank_account",
                         "confirm_payment_page", "retrieve_setup_intent",
                         "confirm_setup_intent", "setup_three_ds_challenge",
                         "verify_setup_microdeposits", "collect_setup_bank_account"}
# What a platform may ask on behalf of a connected account (the Stripe-Account header).
ACCOUNT_ENDPOINTS = {"retrieve_own_account", "retrieve_balance", "list_balance_transactions",
                     "retrieve_balance_transaction"}
pipeline.install(bp, PUBLISHABLE_ENDPOINTS, ACCOUNT_ENDPOINTS, resources=pipeline.Resources(
    find_account=accounts.find,
    publishable_views={"payment_intent": payment_intents.for_publishable,
                       "setup_intent": setup_intents.for_publishable}))

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


@bp.post("/payment_methods/<pm_id>/detach")
def detach_payment_method(pm_id):
    return respond(payment_methods.DETACH_PARAMS,
                   lambda call, params: payment_methods.detach(call, pm_id))


@bp.get("/payment_methods")
def list_payment_methods():
    return respond(payment_methods.LIST_PARAMS, payment_methods.list_payment_methods)


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


@bp.post("/payment_intents/<pi_id>/verify_microdeposits")
def verify_microdeposits(pi_id):
    return respond(bank_debits.VERIFY_PARAMS,
                   lambda call, params: bank_debits.api_verify_microdeposits(call, pi_id, params))


@bp.post("/payment_intents/<pi_id>/collect_bank_account")
def collect_bank_account(pi_id):
    return respond(bank_debits.COLLECT_PARAMS,
                   lambda call, params: bank_debits.api_collect_bank_account(call, pi_id, params))


@bp.get("/mandates/<mandate_id>")
def retrieve_mandate(mandate_id):
    return respond(NO_PARAMS, lambda call, params: mandates.retrieve(call, mandate_id))


@bp.get("/balance_transactions/<transaction_id>")
def retrieve_balance_transaction(transaction_id):
    return respond(NO_PARAMS,
                   lambda call, params: balance_transactions.retrieve(call, transaction_id))


@bp.get("/balance_transactions")
def list_balance_transactions():
    return respond(balance_transactions.LIST_PARAMS, balance_transactions.list_transactions)


@bp.get("/disputes/<dispute_id>")
def retrieve_dispute(dispute_id):
    return respond(NO_PARAMS, lambda call, params: disputes.retrieve(call, dispute_id))


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


@bp.get("/customers")
def list_customers():
    return respond(customers.LIST_PARAMS, customers.list_customers)


@bp.get("/customers/<customer_id>")
def retrieve_customer(customer_id):
    return respond(NO_PARAMS, lambda call, params: customers.retrieve(call, customer_id))


@bp.post("/customers/<customer_id>")
def update_customer(customer_id):
    return respond(customers.UPDATE_PARAMS,
                   lambda call, params: customers.update(call, customer_id, params))


@bp.delete("/customers/<customer_id>")
def delete_customer(customer_id):
    return respond(NO_PARAMS, lambda call, params: customers.delete(call, customer_id))


@bp.get("/customers/<customer_id>/payment_methods")
def list_customer_payment_methods(customer_id):
    return respond(customers.PAYMENT_METHODS_PARAMS, lambda call, params:
                   customers.list_payment_methods(call, customer_id, params))


@bp.get("/customers/<customer_id>/payment_methods/<pm_id>")
def retrieve_customer_payment_method(customer_id, pm_id):
    return respond(NO_PARAMS, lambda call, params:
                   customers.retrieve_payment_method(call, customer_id, pm_id))


@bp.post("/setup_intents")
def create_setup_intent():
    return respond(setup_intents.CREATE_PARAMS, setup_intents.create)


@bp.get("/setup_intents")
def list_setup_intents():
    return respond(setup_intents.LIST_PARAMS, setup_intents.list_intents)


@bp.get("/setup_intents/<si_id>")
def retrieve_setup_intent(si_id):
    return respond(setup_intents.RETRIEVE_PARAMS,
                   lambda call, params: setup_intents.retrieve(call, si_id, params))


@bp.post("/setup_intents/<si_id>")
def update_setup_intent(si_id):
    return respond(setup_intents.UPDATE_PARAMS,
                   lambda call, params: setup_intents.update(call, si_id, params))


@bp.post("/setup_intents/<si_id>/confirm")
def confirm_setup_intent(si_id):
    return respond(setup_intents.CONFIRM_PARAMS,
                   lambda call, params: setup_intents.confirm(call, si_id, params))


@bp.post("/setup_intents/<si_id>/cancel")
def cancel_setup_intent(si_id):
    return respond(setup_intents.CANCEL_PARAMS,
                   lambda call, params: setup_intents.cancel(call, si_id, params))


@bp.post("/setup_intents/<si_id>/three_ds_challenge")
def setup_three_ds_challenge(si_id):
    return respond(setup_intents.CHALLENGE_PARAMS,
                   lambda call, params: setup_intents.three_ds_challenge(call, si_id, params))


@bp.post("/setup_intents/<si_id>/verify_microdeposits")
def verify_setup_microdeposits(si_id):
    return respond(bank_debits.VERIFY_PARAMS,
                   lambda call, params: bank_debits.api_verify_microdeposits(call, si_id, params))


@bp.post("/setup_intents/<si_id>/collect_bank_account")
def collect_setup_bank_account(si_id):
    return respond(bank_debits.COLLECT_PARAMS,
                   lambda call, params: bank_debits.api_collect_bank_account(call, si_id, params))


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


@bp.post("/webhook_endpoints/<endpoint_id>")
def update_webhook_endpoint(endpoint_id):
    return respond(webhook_endpoints.UPDATE_PARAMS,
                   lambda call, params: webhook_endpoints.update(call, endpoint_id, params))


@bp.delete("/webhook_endpoints/<endpoint_id>")
def delete_webhook_endpoint(endpoint_id):
    return respond(NO_PARAMS, lambda call, params: webhook_endpoints.delete(call, endpoint_id))


@bp.post("/accounts")
def create_account():
    return respond(accounts.CREATE_PARAMS, accounts.create)


@bp.get("/accounts")
def list_accounts():
    return respond(accounts.LIST_PARAMS, accounts.list_accounts)


@bp.get("/accounts/<account_id>")
def retrieve_account(account_id):
    return respond(NO_PARAMS, lambda call, params: accounts.retrieve(call, account_id))


@bp.post("/accounts/<account_id>")
def update_account(account_id):
    return respond(accounts.UPDATE_PARAMS,
                   lambda call, params: accounts.update(call, account_id, params))


@bp.delete("/accounts/<account_id>")
def delete_account(account_id):
    return respond(NO_PARAMS, lambda call, params: accounts.delete(call, account_id))


@bp.get("/account")
def retrieve_own_account():
    return respond(NO_PARAMS, accounts.retrieve_own)


@bp.post("/account_links")
def create_account_link():
    return respond(account_links.CREATE_PARAMS, account_links.create)


@bp.get("/balance")
def retrieve_balance():
    return respond(NO_PARAMS, balance.retrieve)


@bp.post("/transfers")
def create_transfer():
    return respond(transfers.CREATE_PARAMS, transfers.create)


@bp.get("/transfers")
def list_transfers():
    return respond(transfers.LIST_PARAMS, transfers.list_transfers)


@bp.get("/transfers/<transfer_id>")
def retrieve_transfer(transfer_id):
    return respond(NO_PARAMS, lambda call, params: transfers.retrieve(call, transfer_id))


@bp.post("/transfers/<transfer_id>")
def update_transfer(transfer_id):
    return respond(transfers.UPDATE_PARAMS,
                   lambda call, params: transfers.update(call, transfer_id, params))


@bp.post("/transfers/<transfer_id>/reversals")
def create_transfer_reversal(transfer_id):
    return respond(transfers.REVERSAL_PARAMS,
                   lambda call, params: transfers.reverse(call, transfer_id, params))


@bp.get("/transfers/<transfer_id>/reversals")
def list_transfer_reversals(transfer_id):
    return respond(transfers.REVERSAL_LIST_PARAMS,
                   lambda call, params: transfers.list_reversals(call, transfer_id, params))


@bp.get("/transfers/<transfer_id>/reversals/<reversal_id>")
def retrieve_transfer_reversal(transfer_id, reversal_id):
    return respond(NO_PARAMS, lambda call, params: transfers.retrieve_reversal(
        call, transfer_id, reversal_id))


@bp.post("/checkout/sessions")
def create_checkout_session():
    return respond(checkout_sessions.CREATE_PARAMS, checkout_sessions.create)


@bp.get("/checkout/sessions")
def list_checkout_sessions():
    return respond(checkout_sessions.LIST_PARAMS, checkout_sessions.list_sessions)


@bp.get("/checkout/sessions/<cs_id>")
def retrieve_checkout_session(cs_id):
    return respond(checkout_sessions.RETRIEVE_PARAMS, lambda call, params: checkout_sessions
                   .retrieve(call, cs_id, params, params.strings("expand") or ()))


@bp.get("/checkout/sessions/<cs_id>/line_items")
def list_checkout_session_line_items(cs_id):
    return respond(checkout_sessions.LINE_ITEMS_PARAMS,
                   lambda call, params: checkout_sessions.list_line_items(call, cs_id, params))


@bp.post("/checkout/sessions/<cs_id>/expire")
def expire_checkout_session(cs_id):
    return respond(checkout_sessions.EXPIRE_PARAMS,
                   lambda call, params: checkout_sessions.expire(call, cs_id, params))


@bp.post("/payment_pages/<cs_id>/confirm")
def confirm_payment_page(cs_id):
    """The Checkout page's Pay button (Stripe.js, publishable key): answers the page's state."""
    return respond(checkout_sessions.CONFIRM_PARAMS, lambda call, params: checkout_sessions
                   .page_state(call, checkout_sessions.confirm(call, cs_id, params)))


@bp.post("/tax/calculations")
def create_tax_calculation():
    return respond(calculations.CREATE_PARAMS, lambda call, params: calculations
                   .with_line_items(call, calculations.create(call, params),
                                    params.strings("expand") or ()))


@bp.get("/tax/calculations/<calculation_id>/line_items")
def list_tax_calculation_line_items(calculation_id):
    return respond(calculations.LINE_ITEMS_PARAMS, lambda call, params: calculations
                   .list_line_items(call, calculation_id, params))


@bp.post("/tax/transactions/create_from_calculation")
def create_tax_transaction():
    return respond(transactions.CREATE_PARAMS, lambda call, params: transactions
                   .with_line_items(call, transactions.create_from_calculation(call, params),
                                    params.strings("expand") or ()))


@bp.post("/tax/transactions/create_reversal")
def create_tax_reversal():
    return respond(transactions.REVERSAL_PARAMS, lambda call, params: transactions
                   .with_line_items(call, transactions.create_reversal(call, params),
                                    params.strings("expand") or ()))


@bp.get("/tax/transactions/<transaction_id>")
def retrieve_tax_transaction(transaction_id):
    return respond(transactions.RETRIEVE_PARAMS, lambda call, params: transactions
                   .with_line_items(call, transactions.retrieve(call, transaction_id),
                                    params.strings("expand") or ()))


@bp.get("/tax/transactions/<transaction_id>/line_items")
def list_tax_transaction_line_items(transaction_id):
    return respond(transactions.LINE_ITEMS_PARAMS, lambda call, params: transactions
                   .list_line_items(call, transaction_id, params))


@bp.route("/<path:rest>", methods=["GET", "POST", "DELETE", "PUT", "PATCH"])
def unknown(rest):
    raise NotFound()  # answered in Stripe's words by the pipeline
