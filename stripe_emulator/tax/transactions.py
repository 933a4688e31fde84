"""Tax transactions: a calculation recorded as a sale once it is paid, and reversals of a sale
(refunds), in full or in part.

A reversal is a transaction of its own (`type` "reversal") whose amounts are negative. A full
reversal negates the whole original, whatever partial reversals came before (as Stripe's docs
say, it does not take them into account); after it nothing more can be reversed. A partial one
names the line items and shipping it reverses, each no more than is left of it, or a
`flat_amount` (tax included) spread over what is left of every line and the shipping, in
proportion, then split between amount and tax in proportion (each part rounded half up; the
last part takes what rounding left over, so the parts add up to the flat amount exactly).
References are unique across all transactions, reversals included.
"""
from decimal import ROUND_HALF_UP, Decimal

from ..machinery.errors import StripeError, invalid_param, invalid_request, missing_param
from ..machinery.params import FREE, Params, merge_metadata, reject_unknown
from ..machinery.store import new_id, page
from ..payments.currencies import format_amount
from . import calculations

CREATE_PARAMS = {"calculation": None, "reference": None, "metadata": FREE, "posted_at": None}
_REVERSAL_LINE = {"original_line_item": None, "reference": None, "amount": None,
                  "amount_tax": None, "quantity": None, "metadata": FREE}
REVERSAL_PARAMS = {"mode": None, "original_transaction": None, "reference": None,
                   "metadata": FREE, "flat_amount": None, "line_items": None,
                   "shipping_cost": {"amount": None, "amount_tax": None}}
RETRIEVE_PARAMS = {}
LINE_ITEMS_PARAMS = {"limit": None, "starting_after": None, "ending_before": None}


def create_from_calculation(call, params):
    calculation_id = params.string("calculation", required=True)
    reference = params.string("reference", required=True)
    metadata = merge_metadata({}, params.metadata())
    if "posted_at" in params:
        raise invalid_param("The local Stripe does not emulate `posted_at`: a transaction is "
                            "posted when it is created.", param="posted_at")
    calculation = calculations.find(call, calculation_id)
    now = call.store.now()
    if now >= calculation["expires_at"]:
        raise invalid_request(f"Tax calculation {calculation_id} has expired: a transaction can "
                              "only be created from a calculation for 90 days after it was "
                              "made. Calculate the tax again.", param="calculation")
    _unique(call, reference)
    transaction_id = new_id("tax")
    lines = [{
        "id": new_id("tax_li"),
        "object": "tax.transaction_line_item",
        "amount": item["amount"],
        "amount_tax": item["amount_tax"],
        "livemode": False,
        "metadata": item["metadata"],
        "product": None,
        "quantity": item["quantity"],
        "reference": item["reference"],
        "reversal": None,
        "tax_behavior": item["tax_behavior"],
        "tax_code": item["tax_code"],
        "type": "transaction",
    } for item in calculations.line_items(call, calculation)]
    shipping = calculation["shipping_cost"]
    transaction = _transaction(call, transaction_id, calculation, reference, metadata,
                               "transaction", None, shipping and dict(shipping), now)
    left = {line["id"]: [line["amount"], line["amount_tax"]] for line in lines}
    call.store.add(transaction, line_items=lines, left=left, shipping_cost=shipping,
                   shipping_left=[shipping["amount"], shipping["amount_tax"]] if shipping
                   else None, fully_reversed=False)
    return transaction


def create_reversal(call, params):
    mode = params.choice("mode", ["full", "partial"])
    if mode is None:
        raise missing_param("mode")
    original_id = params.string("original_transaction", required=True)
    reference = params.string("reference", required=True)
    metadata = merge_metadata({}, params.metadata())
    original = find(call, original_id, param="original_transaction")
    private = call.store.private[original["id"]]
    if private["fully_reversed"]:
        raise invalid_request(f"Transaction {original_id} has already been fully reversed.",
                              param="original_transaction")
    _unique(call, reference)
    if mode == "full":
        lines, shipping = _full(private, original)
        private["fully_reversed"] = True
        if original["type"] == "reversal":  # undoing a partial refund: it is left again
            _give_back(call, original, private, lines, shipping)
    else:
        if original["type"] != "transaction":
            raise invalid_request("A reversal can only be reversed in full (mode=full).",
                                  param="mode")
        lines, shipping = _partial(params, private, original["currency"])
    now = call.store.now()
    reversal = _transaction(call, new_id("tax"), original, reference, metadata, "reversal",
                            {"original_transaction": original["id"]}, shipping, now)
    call.store.add(reversal, line_items=lines, left={}, shipping_cost=shipping,
                   shipping_left=None, fully_reversed=False)
    return reversal


def find(call, transaction_id, param="transaction"):
    transaction = call.store.find(transaction_id or "")
    if transaction is None or transaction["object"] != "tax.transaction":
        raise StripeError(404, "invalid_request_error",
                          f"No such tax transaction: '{transaction_id}'", param=param,
                          code="resource_missing", saved=False)
    return transaction


def retrieve(call, transaction_id):
    return find(call, transaction_id, param="id")


def with_line_items(call, transaction, expand_paths):
    """The transaction as answered: its line items only when expanded, as on Stripe."""
    if "line_items" not in expand_paths:
        return transaction
    return {**transaction, "line_items": {
        "object": "list", "data": call.store.private[transaction["id"]]["line_items"],
        "has_more": False, "url": f"/v1/tax/transactions/{transaction['id']}/line_items"}}


def list_line_items(call, transaction_id, params):
    transaction = find(call, transaction_id, param="transaction")
    return page(call.store.private[transaction["id"]]["line_items"], params,
                f"/v1/tax/transactions/{transaction_id}/line_items")


def _transaction(call, transaction_id, source, reference, metadata, kind, reversal, shipping,
                 now):
    return {
        "id": transaction_id,
        "object": "tax.transaction",
        "created": now,
        "currency": source["currency"],
        "customer": None,
        "customer_details": source["customer_details"],
        "livemode": False,
        "metadata": metadata,
        "posted_at": now,
        "reference": reference,
        "reversal": reversal,
        "ship_from_details": None,
        "shipping_cost": shipping,
        "tax_date": source["tax_date"],
        "type": kind,
    }


def _unique(call, reference):
    if any(transaction["reference"] == reference
           for transaction in call.store.newest_first("tax.transaction")):
        raise invalid_request(f"A tax transaction with reference '{reference}' already exists: "
                              "each transaction, reversals included, needs its own reference.",
                              param="reference")


def _reversed_line(line, amount, tax, quantity=None, reference=None, metadata=None):
    return {**line, "id": new_id("tax_li"), "amount": amount, "amount_tax": tax,
            "metadata": metadata if metadata is not None else line["metadata"],
            "quantity": quantity or line["quantity"],
            "reference": reference or line["reference"],
            "reversal": {"original_line_item": line["id"]}, "type": "reversal"}


def _reversed_shipping(shipping, amount, tax):
    return {**shipping, "amount": amount, "amount_tax": tax, "tax_breakdown": None}


def _full(private, original):
    """Every line and the shipping of `original`, negated (a reversal's, back to positive)."""
    lines = [_reversed_line(line, -line["amount"], -line["amount_tax"])
             for line in private["line_items"]]
    shipping = original["shipping_cost"]
    if shipping:
        shipping = _reversed_shipping(shipping, -shipping["amount"], -shipping["amount_tax"])
    return lines, shipping


def _partial(params, private, code):
    flat = params.integer("flat_amount", maximum=0)
    raw_lines = params.data.get("line_items")
    shipping_params = params.hash("shipping_cost")
    if flat is not None and (raw_lines or shipping_params.data):
        raise invalid_param("You may only specify one of these parameters: flat_amount, "
                            "line_items or shipping_cost.", code="parameters_exclusive",
                            param="flat_amount")
    if flat is not None:
        return _flat(flat, private, code)
    if not raw_lines and not shipping_params.data:
        raise invalid_param("A partial reversal needs line_items, shipping_cost or "
                            "flat_amount.", param="line_items")
    by_id = {line["id"]: line for line in private["line_items"]}
    lines = []
    for index, raw in enumerate(raw_lines or []):
        line = Params(raw, f"line_items[{index}]")
        reject_unknown(line.data, _REVERSAL_LINE, line.prefix)
        original_id = line.string("original_line_item", required=True)
        reference = line.string("reference", required=True)
        amount = line.integer("amount", required=True, maximum=0)
        tax = line.integer("amount_tax", required=True, maximum=0)
        original = by_id.get(original_id)
        if original is None:
            raise invalid_param(f"No such line item in the original transaction: "
                                f"'{original_id}'", param=line.path("original_line_item"),
                                code="resource_missing")
        _take(private["left"][original_id], -amount, -tax, code, line.path("amount"))
        lines.append(_reversed_line(original, amount, tax, line.integer("quantity", minimum=1),
                                    reference, line.metadata() or {}))
    shipping = None
    if shipping_params.data:
        if private["shipping_left"] is None:
            raise invalid_param("The original transaction has no shipping cost to reverse.",
                                param="shipping_cost")
        amount = shipping_params.integer("amount", required=True, maximum=0)
        tax = shipping_params.integer("amount_tax", required=True, maximum=0)
        _take(private["shipping_left"], -amount, -tax, code, "shipping_cost[amount]")
        shipping = _reversed_shipping(_shipping_of(private), amount, tax)
    return lines, shipping


def _shipping_of(private):
    return private["shipping_cost"]


def _give_back(call, reversal, private, lines, shipping):
    """A partial reversal reversed in full: what it took is left to reverse again."""
    sale = call.store.private[reversal["reversal"]["original_transaction"]]
    taken = {line["id"]: line["reversal"]["original_line_item"]
             for line in private["line_items"]}
    for line in lines:
        left = sale["left"][taken[line["reversal"]["original_line_item"]]]
        left[0] += line["amount"]
        left[1] += line["amount_tax"]
    if shipping and sale["shipping_left"] is not None:
        sale["shipping_left"][0] += shipping["amount"]
        sale["shipping_left"][1] += shipping["amount_tax"]


def _take(left, amount, tax, code, param):
    """Take (amount, tax) from what is left of a line or the shipping, or refuse."""
    if amount > left[0] or tax > left[1]:
        raise invalid_param(f"Cannot reverse {format_amount(amount, code)} with "
                            f"{format_amount(tax, code)} tax: only "
                            f"{format_amount(left[0], code)} with "
                            f"{format_amount(left[1], code)} tax is left to reverse.",
                            param=param)
    left[0] -= amount
    left[1] -= tax


def _total(part, left):
    """What is left of a part to refund, tax included."""
    return left[0] + (left[1] if part["tax_behavior"] == "exclusive" else 0)


def _flat(flat, private, code):
    """`flat` (negative, tax included) spread over what is left of the lines and shipping."""
    parts = [(line, private["left"][line["id"]]) for line in private["line_items"]]
    if private["shipping_left"] is not None:
        parts.append((_shipping_of(private), private["shipping_left"]))
    remaining = sum(_total(part, left) for part, left in parts)
    wanted = -flat
    if wanted == 0 or wanted > remaining:
        raise invalid_param(f"flat_amount must be between -{remaining} and -1: "
                            f"{format_amount(remaining, code)} is left to reverse.",
                            param="flat_amount")
    shares, given = [], 0
    last = max(index for index, (part, left) in enumerate(parts) if _total(part, left) > 0)
    for index, (part, left) in enumerate(parts):
        total = _total(part, left)
        if total == 0:
            shares.append((part, left, 0))
            continue
        share = wanted - given if index == last else \
            _half_up(Decimal(wanted) * total / remaining)
        share = min(share, total)
        given += share
        shares.append((part, left, share))
    lines, shipping = [], None
    for part, left, share in shares:
        total = _total(part, left)
        tax = min(_half_up(Decimal(share) * left[1] / total), left[1]) if total else 0
        amount = share - tax if part["tax_behavior"] == "exclusive" else share
        left[0] -= amount
        left[1] -= tax
        if part.get("object") == "tax.transaction_line_item":
            lines.append(_reversed_line(part, -amount, -tax))
        else:
            shipping = _reversed_shipping(part, -amount, -tax)
    return lines, shipping


def _half_up(value):
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
