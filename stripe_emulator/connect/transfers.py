"""Transfers to connected accounts and their reversals ("separate charges and transfers").

A transfer moves money from the platform's balance to a connected account: a `transfer`
balance transaction on the platform and a `payment` (the transfer's `destination_payment`,
`py_…`) on the connected account. Without `source_transaction` it needs that much available on
the platform; with one, it is funded by that charge and both sides stay pending until the
charge's funds are available. A reversal moves (part of) it back: `transfer_refund` on the
platform, `payment_refund` (`pyr_…`) on the connected account.
"""
from ..machinery.errors import StripeError, invalid_param, missing_param
from ..machinery.events import emit
from ..machinery.params import FREE, merge_metadata
from ..machinery.store import new_id, page
from ..payments import balance
from ..payments.currencies import currency as parse_currency
from ..payments.currencies import format_amount
from . import accounts

CREATE_PARAMS = {"amount": None, "currency": None, "destination": None, "description": None,
                 "metadata": FREE, "source_transaction": None, "source_type": None,
                 "transfer_group": None}
UPDATE_PARAMS = {"description": None, "metadata": FREE}
LIST_PARAMS = {"destination": None, "transfer_group": None, "limit": None,
               "starting_after": None, "ending_before": None, "created": None}
REVERSAL_PARAMS = {"amount": None, "description": None, "metadata": FREE,
                   "refund_application_fee": None}
REVERSAL_LIST_PARAMS = {"limit": None, "starting_after": None, "ending_before": None}

INSUFFICIENT_FUNDS = ("You have insufficient available funds in your Stripe account. Try adding "
                      "funds directly to your available balance by creating Charges using the "
                      "4000000000000077 test card.")
NO_TRANSFERS_CAPABILITY = ("Your destination account needs to have at least one of the "
                           "following capabilities enabled: transfers, crypto_transfers, "
                           "legacy_payments")


def create(call, params):
    amount = params.integer("amount", required=True, minimum=1)
    currency = parse_currency(params.string("currency", required=True))
    destination_id = params.string("destination")
    if destination_id is None:
        raise missing_param("destination")
    metadata = merge_metadata({}, params.metadata())
    destination = call.store.find(destination_id)
    if destination is None or destination["object"] != "account":
        raise invalid_param(f"No such destination: '{destination_id}'", param="destination",
                            code="resource_missing")
    if not accounts.can_receive_transfers(destination):
        raise invalid_param(NO_TRANSFERS_CAPABILITY, param="destination",
                            code="insufficient_capabilities_for_transfer")
    transfer_group = params.string("transfer_group")
    charge = None
    if "source_transaction" in params:
        charge = _source_charge(call, params.string("source_transaction", required=True),
                                amount, currency)
        if transfer_group is None:
            transfer_group = _charge_group(call, charge)
        available_on = balance.available_on(call.store, charge)
    else:
        if balance.amounts(call.store, None, currency)[0] < amount:
            raise StripeError(400, "invalid_request_error", INSUFFICIENT_FUNDS,
                              code="balance_insufficient")
        available_on = None
    transfer_id, payment_id = new_id("tr"), new_id("py")
    sent = balance.move(call, None, kind="transfer", source=transfer_id, amount=-amount,
                        currency=currency, available_on=available_on,
                        description=params.string("description"))
    balance.move(call, destination_id, kind="payment", source=payment_id, amount=amount,
                 currency=currency, available_on=available_on)
    transfer = call.store.add({
        "id": transfer_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": sent["id"],
        "created": call.store.now(),
        "currency": currency,
        "description": params.string("description"),
        "destination": destination_id,
        "destination_payment": payment_id,
        "livemode": False,
        "metadata": metadata,
        "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                      "url": f"/v1/transfers/{transfer_id}/reversals"},
        "reversed": False,
        "source_transaction": charge["id"] if charge else None,
        "source_type": "card",
        "transfer_group": transfer_group,
    }, available_on=sent["available_on"])
    emit(call, "transfer.created", transfer)
    return transfer


def _source_charge(call, charge_id, amount, currency):
    """The charge funding a transfer: not failed, in the transfer's currency, with at least
    `amount` of it not yet transferred."""
    charge = call.store.find(charge_id)
    if charge is None or charge["object"] != "charge":
        raise invalid_param(f"No such charge: '{charge_id}'", param="source_transaction",
                            code="resource_missing")
    # A bank debit still processing may fund a transfer (Stripe warns it can fail later).
    if charge["status"] == "failed":
        raise invalid_param(f"The source_transaction {charge_id} failed; only a successful or "
                            "processing charge can fund a transfer.", param="source_transaction")
    if charge["currency"] != currency:
        raise invalid_param(f"The currency of source_transaction's balance transaction "
                            f"({charge['currency']}) must be the same as the transfer currency "
                            f"({currency}).", param="currency")
    transferred = sum(transfer["amount"] for transfer in call.store.newest_first("transfer")
                      if transfer["source_transaction"] == charge_id)
    left = charge["amount"] - transferred
    if amount > left:
        raise invalid_param(
            f"Transfer amount ({format_amount(amount, currency)}) exceeds what is left of the "
            f"source_transaction {charge_id} ({format_amount(left, currency)} of "
            f"{format_amount(charge['amount'], currency)}): the transfers from one charge "
            "cannot add up to more than the charge.", param="amount")
    return charge


def _charge_group(call, charge):
    """Stripe gives a charge without a transfer_group one, `group_<its PaymentIntent>`."""
    if charge["transfer_group"] is None:
        charge["transfer_group"] = f"group_{charge['payment_intent'] or charge['id']}"
    return charge["transfer_group"]


def retrieve(call, transfer_id):
    return call.store.get("transfer", transfer_id)


def update(call, transfer_id, params):
    transfer = call.store.get("transfer", transfer_id)
    previous = {}
    if "description" in params and params.string("description") != transfer["description"]:
        previous["description"] = transfer["description"]
        transfer["description"] = params.string("description")
    metadata = merge_metadata(transfer["metadata"], params.metadata())
    if metadata != transfer["metadata"]:
        previous["metadata"] = transfer["metadata"]
        transfer["metadata"] = metadata
    if previous:
        emit(call, "transfer.updated", transfer, previous_attributes=previous)
    return transfer


def list_transfers(call, params):
    destination, group = params.string("destination"), params.string("transfer_group")
    transfers = [transfer for transfer in call.store.newest_first("transfer")
                 if destination in (None, transfer["destination"])
                 and group in (None, transfer["transfer_group"])]
    return page(transfers, params, "/v1/transfers")


def reverse(call, transfer_id, params):
    """A full or partial reversal; the connected account must hold the money to give back."""
    transfer = call.store.get("transfer", transfer_id)
    left = transfer["amount"] - transfer["amount_reversed"]
    currency = transfer["currency"]
    if left == 0:
        raise invalid_param(f"Transfer {transfer_id} has already been fully reversed.",
                            param="amount")
    amount = params.integer("amount", minimum=1)
    if amount is not None and amount > left:
        raise invalid_param(f"Reversal amount ({format_amount(amount, currency)}) is greater "
                            f"than the amount of the transfer that is not yet reversed "
                            f"({format_amount(left, currency)}).", param="amount")
    amount = amount or left
    held = sum(balance.amounts(call.store, transfer["destination"], currency))
    if held < amount:
        raise StripeError(400, "invalid_request_error",
                          "Insufficient funds in the destination account "
                          f"{transfer['destination']} to reverse {format_amount(amount, currency)} "
                          f"(it holds {format_amount(held, currency)}).",
                          code="balance_insufficient")
    # Money still pending on both sides is given back on the same day it would have arrived.
    available_on = call.store.private[transfer_id]["available_on"]
    reversal_id, refund_id = new_id("trr"), new_id("pyr")
    returned = balance.move(call, None, kind="transfer_refund", source=reversal_id,
                            amount=amount, currency=currency, available_on=available_on)
    balance.move(call, transfer["destination"], kind="payment_refund", source=refund_id,
                 amount=-amount, currency=currency, available_on=available_on)
    reversal = call.store.add({
        "id": reversal_id,
        "object": "transfer_reversal",
        "amount": amount,
        "balance_transaction": returned["id"],
        "created": call.store.now(),
        "currency": currency,
        "destination_payment_refund": refund_id,
        "metadata": merge_metadata({}, params.metadata()),
        "source_refund": None,
        "transfer": transfer_id,
    })
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    listed = _reversals_of(call, transfer_id)
    transfer["reversals"].update(data=listed[:10], has_more=len(listed) > 10,
                                 total_count=len(listed))
    emit(call, "transfer.reversed", transfer)
    return reversal


def _reversals_of(call, transfer_id):
    return [reversal for reversal in call.store.newest_first("transfer_reversal")
            if reversal["transfer"] == transfer_id]


def list_reversals(call, transfer_id, params):
    call.store.get("transfer", transfer_id)
    return page(_reversals_of(call, transfer_id), params,
                f"/v1/transfers/{transfer_id}/reversals")


def retrieve_reversal(call, transfer_id, reversal_id):
    reversal = call.store.get("transfer_reversal", reversal_id)
    if reversal["transfer"] != transfer_id:
        raise invalid_param(f"No such transfer reversal: '{reversal_id}'", param="id",
                            code="resource_missing")
    return reversal
