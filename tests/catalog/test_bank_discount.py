"""The bank discount: the catalog's [bank_discount], and what pricing takes off for it."""
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from storefront.catalog.money import minimum_charge
from storefront.catalog.pricing import (
    BANK,
    BankDiscount,
    PayWhatYouWant,
    PricingRules,
    Selection,
    TipRules,
    priced_method,
    quote,
    spread,
)
from storefront.catalog.products import CatalogError, load_catalog, rules_from_dict, rules_to_dict
from tests.catalog.test_products import POSTER


@dataclass(frozen=True)
class Product:
    name: str
    rules: PricingRules


def product(unit_price=1800, currency="USD", discount=BankDiscount(percent=2), **rules):
    return Product("Poster", PricingRules(currency, unit_price=unit_price, max_quantity=50,
                                          bank_discount=discount, **rules))


# --- pricing ----------------------------------------------------------------------------------


def test_the_bank_takes_the_percentage_off_and_a_card_does_not():
    poster = product()
    by_bank = quote(poster, Selection(2), BANK)
    assert (by_bank.subtotal, by_bank.total) == (3600, 3528)
    assert (by_bank.discount.label, by_bank.discount.amount) == ("Bank discount (2%)", -72)
    by_card = quote(poster, Selection(2), "card")
    assert (by_card.total, by_card.discount) == (3600, None)
    assert quote(poster, Selection(2)).total == 3600


def test_an_amount_off_is_taken_once_per_order():
    priced = quote(product(discount=BankDiscount(amount=100)), Selection(3), BANK)
    assert (priced.total, priced.discount.label, priced.discount.amount) == (5300, "Bank discount", -100)


def test_the_discount_is_never_on_the_tip():
    tipped = product(unit_price=4500, tip=TipRules((10,)))
    priced = quote(tipped, Selection(1, tip_percent=10), BANK)
    # 10% of $45.00 is the tip, whether or not the bank pays; 2% of $45.00 comes off.
    assert (priced.tip, priced.discount.amount, priced.total) == (450, -90, 4860)


def test_a_pay_what_you_want_amount_is_not_discounted():
    ebook = Product("E-book", PricingRules(
        "USD", pay_what_you_want=PayWhatYouWant(500, (500, 1000), 1000),
        bank_discount=BankDiscount(percent=2)))
    priced = quote(ebook, Selection(1, amount=1000), BANK)
    assert (priced.discount, priced.total) == (None, 1000)


def test_no_discount_where_the_bank_is_not_offered():
    mug = product(unit_price=2800, currency="JPY")
    assert quote(mug, Selection(1), BANK).discount is None


def test_an_amount_never_takes_the_total_under_stripes_minimum():
    # $0.60 less $1.00 would be nothing; Stripe takes $0.50 at least, so $0.10 comes off.
    cheap = product(unit_price=60, discount=BankDiscount(amount=100))
    priced = quote(cheap, Selection(1), BANK)
    assert (priced.discount.amount, priced.total) == (-10, 50)
    # Already at the minimum: nothing comes off, and there is no discount line.
    assert quote(product(unit_price=50, discount=BankDiscount(amount=100)), Selection(1), BANK
                 ).discount is None


@given(unit_price=st.integers(0, 200_000), quantity=st.integers(1, 50),
       percent=st.integers(1, 99), amount=st.integers(1, 100_000), by_percent=st.booleans())
def test_the_discount_is_within_its_bounds(unit_price, quantity, percent, amount, by_percent):
    rule = BankDiscount(percent=percent) if by_percent else BankDiscount(amount=amount)
    poster = product(unit_price=unit_price, discount=rule)
    full = quote(poster, Selection(quantity))
    priced = quote(poster, Selection(quantity), BANK)
    off = -priced.discount.amount if priced.discount else 0
    assert priced.total == full.total - off
    assert 0 <= off <= (rule.amount if rule.amount else full.subtotal)
    # Never under Stripe's smallest charge because of the discount.
    assert off == 0 or priced.total >= minimum_charge("USD")
    if by_percent and priced.total > minimum_charge("USD"):
        assert off == (full.subtotal * percent + 50) // 100  # the percentage, rounded half up


@given(amount=st.integers(0, 10_000), parts=st.lists(st.integers(0, 100_000), min_size=1,
                                                      max_size=20))
def test_spread_shares_add_up_and_follow_the_parts(amount, parts):
    shares = spread(amount, parts)
    if sum(parts) == 0:
        assert shares == [0] * len(parts)
        return
    assert sum(shares) == amount
    for share, part in zip(shares, parts):
        assert abs(share - amount * part / sum(parts)) < 1
        assert part or not share


@pytest.mark.parametrize("form, method", [
    ({"method": "us_bank_account"}, BANK),
    ({"method": "card"}, None),
    ({}, None),
    (MultiDict([("method", "us_bank_account"), ("method", "card")]), None),
    ({"method": ["us_bank_account"]}, BANK),
])
def test_only_the_bank_is_a_priced_method(form, method):
    assert priced_method(form) == method


@pytest.mark.parametrize("rule, message", [
    (BankDiscount(), "bank_discount: give a percent or an amount, not both"),
    (BankDiscount(percent=2, amount=100), "bank_discount: give a percent or an amount"),
    (BankDiscount(percent=0), "bank_discount.percent: must be a whole percentage from 1 to 99"),
    (BankDiscount(amount=0), "bank_discount.amount: must be more than zero"),
    (BankDiscount(amount=-5), "bank_discount.amount: must be a whole number of minor units"),
])
def test_broken_rules_are_refused(rule, message):
    with pytest.raises(ValueError, match=message):
        product(discount=rule)


# --- the catalog ------------------------------------------------------------------------------


def load(section, currency="USD", price='"18.00"'):
    return load_catalog(section + POSTER.format(currency=currency, price=price))[0]


def test_a_percentage_applies_in_every_currency():
    assert load("[bank_discount]\npercent = 2\n").rules.bank_discount == BankDiscount(percent=2)


def test_an_amount_is_per_currency():
    section = '[bank_discount]\namount = { USD = "1.00", JPY = 100 }\n'
    assert load(section).rules.bank_discount == BankDiscount(amount=100)
    assert load(section, currency="JPY", price=2800).rules.bank_discount == BankDiscount(amount=100)
    assert load(section, currency="EUR").rules.bank_discount is None


def test_no_section_no_discount():
    assert load("").rules.bank_discount is None


def test_the_discount_survives_the_database_and_old_rows_have_none():
    rules = load("[bank_discount]\npercent = 3\n").rules
    assert rules_from_dict(rules_to_dict(rules)) == rules
    stored_before = {k: v for k, v in rules_to_dict(rules).items() if k != "bank_discount"}
    assert rules_from_dict(stored_before).bank_discount is None


@pytest.mark.parametrize("section, message", [
    ("[bank_discount]\n", 'The catalog: bank_discount: give either percent = 2 or amount'),
    ('[bank_discount]\npercent = 2\namount = { USD = "1.00" }\n', "give either percent"),
    ("[bank_discount]\npercent = 2.5\n", "bank_discount.percent: must be a whole number"),
    ("[bank_discount]\npercent = 100\n", "bank_discount.percent: must be a whole percentage"),
    ('[bank_discount]\namount = "1.00"\n', "bank_discount.amount: must be a table"),
    ('[bank_discount]\namount = { usd = "1.00" }\n', "bank_discount.amount.usd: is not an upper-case"),
    ('[bank_discount]\namount = { USD = "1.005" }\n', "bank_discount.amount.USD: '1.005' is not a USD"),
    ('[bank_discount]\namount = { USD = "0" }\n', "bank_discount.amount.USD: must be more than zero"),
    ("[bank_discount]\npercent = 2\ncap = 5\n", "bank_discount.cap: is not a field the catalog knows"),
])
def test_catalog_mistakes_are_named(section, message):
    with pytest.raises(CatalogError, match=message.replace("(", r"\(")):
        load(section)
