"""Tax calculations: what tax a sale owes, where the customer is, by the table in rates.py.

A calculation is made once and never changes; it can be turned into a transaction
(transactions.py) until it expires, 90 days after it was made. Each line is taxed and rounded
on its own (half up, to the currency's minor unit), as Stripe does; an inclusive line's tax is
carved out of its amount, an exclusive line's is added on top. A line without `tax_behavior`
takes the account's default, "inferred by currency": exclusive in USD and CAD, where prices
are quoted before tax, inclusive elsewhere.
"""
from ..machinery.errors import StripeError, invalid_param, invalid_request, missing_param
from ..machinery.params import FREE, Params, reject_unknown
from ..machinery.store import new_id, page
from ..payments.currencies import currency as parse_currency
from . import rates

EXPIRES_AFTER = 90 * 86_400
EXCLUSIVE_CURRENCIES = ("usd", "cad")
_ADDRESS = {"line1": None, "line2": None, "city": None, "state": None, "postal_code": None,
            "country": None}
_LINE_ITEM = {"amount": None, "reference": None, "quantity": None, "tax_behavior": None,
              "tax_code": None, "product": None, "metadata": FREE, "performance_location": None}
CREATE_PARAMS = {
    "currency": None, "line_items": None, "customer": None, "tax_date": None,
    "customer_details": {"address": _ADDRESS, "address_source": None, "ip_address": None,
                         "tax_ids": None, "taxability_override": None},
    "shipping_cost": {"amount": None, "shipping_rate": None, "tax_behavior": None,
                      "tax_code": None},
    "ship_from_details": {"address": _ADDRESS},
}
LINE_ITEMS_PARAMS = {"limit": None, "starting_after": None, "ending_before": None}
LOCATION_INVALID = ("We could not determine the customer's tax location based on the provided "
                    "customer address.")


def create(call, params):
    code = parse_currency(params.string("currency", required=True))
    for name in ("customer", "ship_from_details", "tax_date"):
        if name in params:
            raise invalid_param(f"The local Stripe does not emulate `{name}` on tax "
                                "calculations: send customer_details[address].", param=name)
    details = params.hash("customer_details")
    if not details.data:
        raise missing_param("customer_details")
    address = _address(details)
    place = _place(address)
    default_behavior = "exclusive" if code in EXCLUSIVE_CURRENCIES else "inclusive"
    items = [_line_item(call, Params(raw, f"line_items[{index}]"), index, place,
                        default_behavior)
             for index, raw in enumerate(_array(params.data.get("line_items")))]
    references = [item["reference"] for item in items]
    for index, reference in enumerate(references):
        if references.index(reference) != index:
            raise invalid_param(f"The line item reference '{reference}' is used more than "
                                "once: each line item's reference must be unique.",
                                param=f"line_items[{index}][reference]")
    shipping = _shipping(params.hash("shipping_cost"), place, default_behavior)
    taxed = items + ([shipping] if shipping else [])
    exclusive = sum(part["amount_tax"] for part in taxed if part["tax_behavior"] == "exclusive")
    inclusive = sum(part["amount_tax"] for part in taxed if part["tax_behavior"] == "inclusive")
    now = call.store.now()
    calculation_id = new_id("taxcalc")
    calculation = call.store.add({
        "id": calculation_id,
        "object": "tax.calculation",
        "amount_total": sum(part["amount"] for part in taxed) + exclusive,
        "currency": code,
        "customer": None,
        "customer_details": {
            "address": address,
            "address_source": details.choice("address_source", ["billing", "shipping"]),
            "ip_address": details.string("ip_address"),
            "tax_ids": [],
            "taxability_override": "none",
        },
        "expires_at": now + EXPIRES_AFTER,
        "livemode": False,
        "ship_from_details": None,
        "shipping_cost": shipping and {key: value for key, value in shipping.items()
                                       if key != "_rate"},
        "tax_amount_exclusive": exclusive,
        "tax_amount_inclusive": inclusive,
        "tax_breakdown": _breakdown(taxed, place),
        "tax_date": now,
    }, line_items=[{key: value for key, value in item.items() if key != "_rate"}
                   for item in items])
    return calculation


def find(call, calculation_id, param="calculation"):
    calculation = call.store.find(calculation_id or "")
    if calculation is None or calculation["object"] != "tax.calculation":
        raise StripeError(404, "invalid_request_error",
                          f"No such tax calculation: '{calculation_id}'", param=param,
                          code="resource_missing", saved=False)
    return calculation


def line_items(call, calculation):
    return call.store.private[calculation["id"]]["line_items"]


def with_line_items(call, calculation, expand_paths):
    """The calculation as answered: its line items only when expanded, as on Stripe."""
    if "line_items" not in expand_paths:
        return calculation
    return {**calculation, "line_items": {
        "object": "list", "data": line_items(call, calculation), "has_more": False,
        "url": f"/v1/tax/calculations/{calculation['id']}/line_items"}}


def list_line_items(call, calculation_id, params):
    calculation = find(call, calculation_id, param="calculation")
    return page(line_items(call, calculation), params,
                f"/v1/tax/calculations/{calculation_id}/line_items")


def _array(value):
    if not value:
        raise missing_param("line_items")
    if not isinstance(value, list):
        raise invalid_param("Invalid array", param="line_items")
    return value


def _address(details):
    """The customer's address as Stripe echoes it back (every field, null when not sent)."""
    raw = details.hash("address")
    if not raw.data:
        raise invalid_request(LOCATION_INVALID, param="customer_details[address]",
                              code="customer_tax_location_invalid")
    country = raw.string("country", required=True)
    address = {name: raw.string(name) for name in _ADDRESS}
    address["country"] = country.upper()
    if address["state"]:
        address["state"] = address["state"].upper()
    return address


def _place(address):
    """(country, state, rate or None) for the address, or Stripe's error when Stripe Tax could
    not place it: a US address needs a valid ZIP code (one that agrees with its state), a
    Canadian one a postal code or province, others only the country."""
    country, state, postal_code = address["country"], address["state"], address["postal_code"]

    def invalid():
        return invalid_request(LOCATION_INVALID, param="customer_details[address]",
                               code="customer_tax_location_invalid")

    if len(country) != 2 or not country.isalpha():
        raise invalid()
    if country == "US":
        if not postal_code or not rates.US_ZIP.match(postal_code):
            raise invalid()
        zip_state = rates.state_of_zip(postal_code)
        if state and zip_state and state != zip_state:
            raise invalid()  # a ZIP code of another state
        state = state or zip_state
        rate = rates.rate_for("US", state)
        if rate and state != zip_state:
            raise invalid()  # a listed state with a ZIP code outside it
        return country, state, rate
    if country == "CA" and not (state or (postal_code and
                                          rates.CA_POSTAL_CODE.match(postal_code))):
        raise invalid()
    return country, None, rates.rate_for(country, None)


def _line_item(call, line, index, place, default_behavior):
    reject_unknown(line.data, _LINE_ITEM, line.prefix)
    for name in ("product", "performance_location"):
        if name in line:
            raise invalid_param(f"The local Stripe does not emulate `{name}` on tax "
                                "calculation line items.", param=line.path(name))
    amount = line.integer("amount", required=True, minimum=0)
    behavior = line.choice("tax_behavior", ["exclusive", "inclusive"], default_behavior)
    tax_code = _tax_code(line, rates.DEFAULT_TAX_CODE)
    tax, details = _tax(amount, behavior, tax_code, place)
    return {
        "id": new_id("tax_li"),
        "object": "tax.calculation_line_item",
        "amount": amount,
        "amount_tax": tax,
        "livemode": False,
        "metadata": line.metadata() or {},
        "performance_location": None,
        "product": None,
        "quantity": line.integer("quantity", minimum=1) or 1,
        "reference": line.string("reference") or f"L{index + 1}",
        "tax_behavior": behavior,
        "tax_breakdown": details,
        "tax_code": tax_code,
        "_rate": _taxed_rate(tax_code, place),
    }


def _shipping(shipping, place, default_behavior):
    if not shipping.data:
        return None
    if "shipping_rate" in shipping:
        raise invalid_param("The local Stripe has no Shipping Rates: send "
                            "shipping_cost[amount].", param="shipping_cost[shipping_rate]")
    amount = shipping.integer("amount", required=True, minimum=0)
    behavior = shipping.choice("tax_behavior", ["exclusive", "inclusive"], default_behavior)
    tax_code = _tax_code(shipping, rates.DEFAULT_SHIPPING_TAX_CODE)
    tax, details = _tax(amount, behavior, tax_code, place)
    return {"amount": amount, "amount_tax": tax, "shipping_rate": None,
            "tax_behavior": behavior, "tax_breakdown": details, "tax_code": tax_code,
            "_rate": _taxed_rate(tax_code, place)}


def _tax_code(params, default):
    code = params.string("tax_code") or default
    if not rates.TAX_CODE.match(code):
        raise invalid_param(f"Invalid tax code: '{code}'. Tax codes look like txcd_99999999 "
                            "(https://docs.stripe.com/tax/tax-codes).",
                            param=params.path("tax_code"))
    return code


def _taxed_rate(tax_code, place):
    """The rate a line with `tax_code` pays at `place`, None when it pays none."""
    rate = place[2]
    if rate is None or tax_code == rates.NONTAXABLE or tax_code in rate.exempt:
        return None
    return rate


def _reason(tax_code, place):
    rate = place[2]
    if rate is None:
        return "not_collecting"
    if tax_code == rates.NONTAXABLE or tax_code in rate.exempt:
        return "product_exempt"
    return "standard_rated"


def _tax(amount, behavior, tax_code, place):
    """A line's tax and its tax_breakdown (one jurisdiction: the state, or the country)."""
    country, state, rate = place
    taxed = _taxed_rate(tax_code, place)
    tax = rates.tax_on(amount, taxed.percentage, behavior) if taxed else 0
    jurisdiction = {
        "country": country,
        "display_name": rate.jurisdiction if rate else
        rates.US_STATE_NAMES.get(state, state) if country == "US" and state else country,
        "level": "state" if country == "US" else "country",
        "state": state,
    }
    return tax, [{
        "amount": tax,
        "jurisdiction": jurisdiction,
        "sourcing": "destination",
        "tax_rate_details": {"display_name": taxed.display_name,
                             "percentage_decimal": taxed.percentage_decimal,
                             "tax_type": taxed.tax_type} if taxed else None,
        "taxability_reason": _reason(tax_code, place),
        "taxable_amount": (amount - tax if behavior == "inclusive" else amount) if taxed else 0,
    }]


def _breakdown(parts, place):
    """The calculation's tax_breakdown: one entry per rate, taxability and behaviour, summed
    over the lines and shipping."""
    country, state, rate = place
    groups = {}
    for part in parts:
        [detail] = part["tax_breakdown"]
        taxed = part["_rate"]
        key = (part["tax_behavior"] == "inclusive", detail["taxability_reason"],
               taxed.percentage_decimal if taxed else "0.0")
        entry = groups.setdefault(key, {
            "amount": 0,
            "inclusive": key[0],
            "tax_rate_details": {
                "country": country,
                "flat_amount": None,
                "percentage_decimal": key[2],
                "rate_type": "percentage",
                "state": state,
                "tax_type": (taxed or rate).tax_type if (taxed or rate) else
                "sales_tax" if country == "US" else "vat",
            },
            "taxability_reason": key[1],
            "taxable_amount": 0,
        })
        entry["amount"] += detail["amount"]
        entry["taxable_amount"] += detail["taxable_amount"]
    return list(groups.values())
