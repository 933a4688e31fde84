"""Stripe Tax on the local Stripe: calculations by the documented rate table (each line rounded
half up; exclusive tax added, inclusive tax carved out), the places it cannot tax, transactions
recorded from calculations, and reversals in full, by line and by a flat amount."""
import pytest
import stripe

SEATTLE = {"line1": "920 5th Ave", "city": "Seattle", "state": "WA", "postal_code": "98104",
           "country": "US"}
DUBLIN = {"line1": "1 Grafton St", "city": "Dublin", "country": "IE"}


@pytest.fixture
def calculate(stripe_client):
    """calculate(address, *lines, **params): lines are (amount, reference, tax_code) or dicts."""
    def create(address, *lines, **params):
        items = [line if isinstance(line, dict) else
                 {"amount": line[0], "reference": line[1], "tax_code": line[2]} for line in lines]
        return stripe_client.v1.tax.calculations.create({
            "currency": params.pop("currency", "usd"), "line_items": items,
            "customer_details": {"address": address, "address_source": "shipping"},
            "expand": ["line_items"], **params})
    return create


def test_exclusive_us_tax_is_added_per_line_and_rounded_half_up(calculate):
    calculation = calculate(SEATTLE, (1999, "poster", "txcd_99999999"),
                            (1000, "ebook", "txcd_10302000"), shipping_cost={"amount": 500})
    # 6.5 % of 19.99 is 1.29935 → 1.30; of 10.00 0.65; of the 5.00 shipping 0.325 → 0.33.
    assert [(line.reference, line.amount_tax) for line in calculation.line_items.data] == [
        ("poster", 130), ("ebook", 65)]
    assert calculation.shipping_cost.amount_tax == 33
    assert (calculation.tax_amount_exclusive, calculation.tax_amount_inclusive) == (228, 0)
    assert calculation.amount_total == 1999 + 1000 + 500 + 228
    [entry] = calculation.tax_breakdown
    assert (entry.amount, entry.taxable_amount, entry.inclusive) == (228, 3499, False)
    assert (entry.tax_rate_details.state, entry.tax_rate_details.percentage_decimal,
            entry.tax_rate_details.tax_type) == ("WA", "6.5", "sales_tax")
    detail = calculation.line_items.data[0].tax_breakdown[0]
    assert (detail.jurisdiction.display_name, detail.taxability_reason) == (
        "Washington", "standard_rated")
    assert calculation.id.startswith("taxcalc_")
    assert calculation.expires_at == calculation.tax_date + 90 * 86_400


def test_inclusive_eu_vat_is_carved_out_of_the_price(calculate):
    calculation = calculate(DUBLIN, {"amount": 2999, "reference": "L1",
                                     "tax_code": "txcd_10302000", "tax_behavior": "inclusive"},
                            currency="eur")
    # 23 % VAT inside 29.99: 29.99 × 23 / 123 = 5.6078… → 5.61; the total stays 29.99.
    assert calculation.line_items.data[0].amount_tax == 561
    assert (calculation.tax_amount_inclusive, calculation.tax_amount_exclusive) == (561, 0)
    assert calculation.amount_total == 2999
    [entry] = calculation.tax_breakdown
    assert (entry.inclusive, entry.taxable_amount, entry.tax_rate_details.percentage_decimal,
            entry.tax_rate_details.tax_type) == (True, 2999 - 561, "23.0", "vat")


def test_a_line_without_tax_behavior_takes_the_currencys_default(calculate):
    usd = calculate(SEATTLE, (1000, "L1", "txcd_99999999"))
    eur = calculate({"country": "DE"}, (1190, "L1", "txcd_99999999"), currency="eur")
    assert (usd.line_items.data[0].tax_behavior, usd.amount_total) == ("exclusive", 1065)
    assert (eur.line_items.data[0].tax_behavior, eur.tax_amount_inclusive) == ("inclusive", 190)


@pytest.mark.parametrize("address, tax", [
    ({"state": "CA", "postal_code": "94080", "country": "US"}, 725),   # 7.25 %
    ({"postal_code": "10001", "country": "US"}, 400),                  # NY from the ZIP code
    ({"state": "TX", "postal_code": "75201", "country": "US"}, 625),
    ({"country": "FR"}, 2000),
    ({"country": "NL"}, 2100),
    ({"postal_code": "M5V 2T6", "country": "CA"}, 500),               # Canada's GST
])
def test_the_rate_table(calculate, address, tax):
    calculation = calculate(address, {"amount": 10000, "reference": "L1",
                                      "tax_code": "txcd_99999999", "tax_behavior": "exclusive"})
    assert calculation.tax_amount_exclusive == tax


def test_where_the_account_is_not_registered_nothing_is_collected(calculate):
    calculation = calculate({"state": "OR", "postal_code": "97201", "country": "US"},
                            (5000, "L1", "txcd_99999999"))
    assert (calculation.tax_amount_exclusive, calculation.amount_total) == (0, 5000)
    [entry] = calculation.tax_breakdown
    assert (entry.taxability_reason, entry.amount, entry.taxable_amount) == (
        "not_collecting", 0, 0)
    detail = calculation.line_items.data[0].tax_breakdown[0]
    assert detail.tax_rate_details is None and detail.jurisdiction.display_name == "Oregon"


def test_exempt_products_pay_no_tax(calculate):
    calculation = calculate({"state": "CA", "postal_code": "94080", "country": "US"},
                            (1000, "ebook", "txcd_10302000"), (1000, "gift", "txcd_00000000"),
                            (1000, "poster", "txcd_99999999"), shipping_cost={"amount": 500})
    assert [line.amount_tax for line in calculation.line_items.data] == [0, 0, 73]
    assert calculation.shipping_cost.amount_tax == 0  # California: shipping stated apart
    reasons = {entry.taxability_reason: entry.amount for entry in calculation.tax_breakdown}
    assert reasons == {"product_exempt": 0, "standard_rated": 73}


@pytest.mark.invalid_stripe_params
@pytest.mark.parametrize("address", [
    {"state": "WA", "country": "US"},                        # no ZIP code
    {"state": "WA", "postal_code": "9810", "country": "US"},  # not a ZIP code
    {"state": "CA", "postal_code": "98104", "country": "US"},  # a Washington ZIP code
    {"country": "CA"},                                       # Canada: no province or postal code
    {"country": "Germany"},
])
def test_an_address_stripe_tax_cannot_place_is_refused(calculate, address):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        calculate(address, (1000, "L1", "txcd_99999999"))
    error = refused.value.error
    assert (error.code, error.param, refused.value.http_status) == (
        "customer_tax_location_invalid", "customer_details[address]", 400)
    assert error.message == ("We could not determine the customer's tax location based on the "
                             "provided customer address.")


@pytest.mark.invalid_stripe_params
def test_missing_params_and_bad_tax_codes(stripe_client, calculate):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.calculations.create({
            "currency": "usd", "customer_details": {"address": SEATTLE}})
    assert (refused.value.code, refused.value.error.param) == ("parameter_missing", "line_items")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.calculations.create({
            "currency": "usd", "line_items": [{"amount": 100}]})
    assert refused.value.error.param == "customer_details"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        calculate(SEATTLE, (1000, "L1", "general"))
    assert refused.value.error.param == "line_items[0][tax_code]"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        calculate(SEATTLE, (1000, "L1", "txcd_99999999"), (500, "L1", "txcd_99999999"))
    assert refused.value.error.param == "line_items[1][reference]"


def test_line_items_are_listed_and_only_expanded_on_request(stripe_client, calculate):
    calculation = calculate(SEATTLE, (1000, "a", "txcd_99999999"), (2000, "b", "txcd_99999999"))
    plain = stripe_client.v1.tax.calculations.create({
        "currency": "usd", "line_items": [{"amount": 1000, "reference": "a"}],
        "customer_details": {"address": SEATTLE, "address_source": "billing"}})
    assert "line_items" not in plain
    listed = stripe_client.v1.tax.calculations.line_items.list(calculation.id, {"limit": 1})
    assert [line.reference for line in listed.data] == ["a"] and listed.has_more
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.calculations.line_items.list("taxcalc_nope")
    assert (refused.value.http_status, refused.value.code) == (404, "resource_missing")


@pytest.fixture
def sale(stripe_client, calculate):
    """A recorded sale in Washington: $20.00 (tax 1.30) and $10.00 (tax 0.65) plus $5.00
    shipping (tax 0.33): $37.28 in all."""
    calculation = calculate(SEATTLE, (2000, "L1", "txcd_99999999"),
                            (1000, "L2", "txcd_99999999"), shipping_cost={"amount": 500})
    return stripe_client.v1.tax.transactions.create_from_calculation({
        "calculation": calculation.id, "reference": "order-1", "expand": ["line_items"]})


def test_a_calculation_is_recorded_as_a_transaction(stripe_client, sale):
    assert sale.id.startswith("tax_") and (sale.type, sale.reference) == ("transaction", "order-1")
    assert [(line.reference, line.amount, line.amount_tax) for line in sale.line_items.data] == [
        ("L1", 2000, 130), ("L2", 1000, 65)]
    assert (sale.shipping_cost.amount, sale.shipping_cost.amount_tax) == (500, 33)
    assert stripe_client.v1.tax.transactions.retrieve(sale.id).reference == "order-1"


@pytest.mark.invalid_stripe_params
def test_a_reference_is_used_once_and_a_calculation_expires(
        emulator, stripe_client, calculate, sale):
    calculation = calculate(SEATTLE, (1000, "L1", "txcd_99999999"))
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.transactions.create_from_calculation({
            "calculation": calculation.id, "reference": "order-1"})
    assert refused.value.error.param == "reference"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.transactions.create_from_calculation({
            "calculation": "taxcalc_nope", "reference": "order-2"})
    assert (refused.value.http_status, refused.value.error.param) == (404, "calculation")
    emulator.control("POST", "/clock/advance", days=90)
    with pytest.raises(stripe.InvalidRequestError, match="expired") as refused:
        stripe_client.v1.tax.transactions.create_from_calculation({
            "calculation": calculation.id, "reference": "order-2"})
    assert refused.value.error.param == "calculation"


def test_the_same_key_records_one_transaction(stripe_client, calculate):
    calculation = calculate(SEATTLE, (1000, "L1", "txcd_99999999"))
    params = {"calculation": calculation.id, "reference": "order-9"}
    first = stripe_client.v1.tax.transactions.create_from_calculation(
        params, {"idempotency_key": "order-9-tax"})
    again = stripe_client.v1.tax.transactions.create_from_calculation(
        params, {"idempotency_key": "order-9-tax"})
    assert again.id == first.id


def test_a_full_reversal_negates_the_sale(stripe_client, sale):
    reversal = stripe_client.v1.tax.transactions.create_reversal({
        "mode": "full", "original_transaction": sale.id, "reference": "order-1-refund",
        "expand": ["line_items"]})
    assert (reversal.type, reversal.reversal.original_transaction) == ("reversal", sale.id)
    assert [(line.amount, line.amount_tax, line.reversal.original_line_item)
            for line in reversal.line_items.data] == [
        (-2000, -130, sale.line_items.data[0].id), (-1000, -65, sale.line_items.data[1].id)]
    assert (reversal.shipping_cost.amount, reversal.shipping_cost.amount_tax) == (-500, -33)
    with pytest.raises(stripe.InvalidRequestError, match="already been fully reversed"):
        stripe_client.v1.tax.transactions.create_reversal({
            "mode": "partial", "original_transaction": sale.id, "reference": "again",
            "flat_amount": -100})


def test_a_flat_partial_reversal_is_spread_over_what_is_left(stripe_client, sale):
    reversal = stripe_client.v1.tax.transactions.create_reversal({
        "mode": "partial", "original_transaction": sale.id, "reference": "order-1-refund-1",
        "flat_amount": -1864, "expand": ["line_items"]})
    # Half of $37.28: each part gives back half of itself, tax in proportion.
    parts = [(line.amount, line.amount_tax) for line in reversal.line_items.data]
    parts.append((reversal.shipping_cost.amount, reversal.shipping_cost.amount_tax))
    assert parts == [(-1000, -65), (-500, -33), (-250, -16)]
    assert sum(amount + tax for amount, tax in parts) == -1864
    rest = stripe_client.v1.tax.transactions.create_reversal({
        "mode": "partial", "original_transaction": sale.id, "reference": "order-1-refund-2",
        "flat_amount": -1864, "expand": ["line_items"]})
    assert sum(line.amount + line.amount_tax for line in rest.line_items.data) + \
        rest.shipping_cost.amount + rest.shipping_cost.amount_tax == -1864
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.tax.transactions.create_reversal({
            "mode": "partial", "original_transaction": sale.id, "reference": "order-1-refund-3",
            "flat_amount": -1})
    assert refused.value.error.param == "flat_amount"


def test_a_line_reversal_cannot_give_back_more_tax_than_was_collected(stripe_client, sale):
    line = sale.line_items.data[1]
    reversal = stripe_client.v1.tax.transactions.create_reversal({
        "mode": "partial", "original_transaction": sale.id, "reference": "order-1-line-2",
        "line_items": [{"original_line_item": line.id, "reference": "L2-refund",
                        "amount": -1000, "amount_tax": -65}],
        "expand": ["line_items"]})
    assert [(item.reference, item.amount_tax) for item in reversal.line_items.data] == [
        ("L2-refund", -65)]
    assert reversal.shipping_cost is None
    with pytest.raises(stripe.InvalidRequestError, match="left to reverse"):
        stripe_client.v1.tax.transactions.create_reversal({
            "mode": "partial", "original_transaction": sale.id, "reference": "order-1-line-2b",
            "line_items": [{"original_line_item": line.id, "reference": "L2-again",
                            "amount": -1, "amount_tax": -1}]})
    # Undoing that partial refund (a full reversal of the reversal) makes it reversible again.
    stripe_client.v1.tax.transactions.create_reversal({
        "mode": "full", "original_transaction": reversal.id, "reference": "order-1-line-2-undo"})
    stripe_client.v1.tax.transactions.create_reversal({
        "mode": "partial", "original_transaction": sale.id, "reference": "order-1-line-2c",
        "line_items": [{"original_line_item": line.id, "reference": "L2-again",
                        "amount": -1000, "amount_tax": -65}]})
