"""`expand[]`: replace an id with the object it names, as deep as the dotted path goes."""
from .errors import invalid_param

EXPANDABLE = {
    "payment_intent": {"customer", "latest_charge", "payment_method"},
    "charge": {"customer", "payment_intent", "balance_transaction",
               "failure_balance_transaction", "refunds"},
    "refund": {"charge", "payment_intent", "balance_transaction"},
    "payment_method": {"customer"},
    "setup_intent": {"customer", "payment_method", "mandate"},
    "transfer": {"balance_transaction", "destination", "source_transaction"},
    "transfer_reversal": {"balance_transaction", "transfer"},
    "balance_transaction": {"source"},
    "mandate": {"payment_method"},
    "dispute": {"charge", "payment_intent"},
    "checkout.session": {"customer", "payment_intent", "line_items"},
    # Filled in by tax/ itself (the line items are not stored on the object).
    "tax.calculation": {"line_items"},
    "tax.transaction": {"line_items"},
}


def expand(store, obj, paths):
    """A copy of `obj` with each path expanded; the stored objects stay as they are."""
    for path in paths:
        obj = _expand(store, obj, path.split("."), path)
    return obj


def _expand(store, obj, parts, path):
    head, rest = parts[0], parts[1:]
    if obj.get("object") == "list" and head == "data" and rest:
        return {**obj, "data": [_expand(store, item, rest, path) for item in obj["data"]]}
    if head not in EXPANDABLE.get(obj.get("object"), ()):
        raise invalid_param(f"This property cannot be expanded ({path}).", param="expand")
    value = obj.get(head)  # a list left out by default (charge.refunds) is filled by versions.py
    if isinstance(value, str):
        value = store.find(value)
    if rest and value is not None:
        value = _expand(store, value, rest, path)
    return {**obj, head: value}
