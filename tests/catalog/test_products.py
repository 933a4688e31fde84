import itertools
import json
from pathlib import Path

import pytest

from storefront.catalog.money import format_money
from storefront.catalog.pricing import PER_ORDER, PER_UNIT, Selection, quote, selection_from_form
from storefront.catalog.products import (
    CHECKOUT_MODES,
    LAYOUTS,
    CatalogError,
    load_catalog,
    rules_from_dict,
    rules_to_dict,
)

DEMO = Path(__file__).parents[2] / "catalog" / "demo.toml"

POSTER = """
[[product]]
slug = "poster"
name = "Poster"
description = "A poster."
image = "img/poster.svg"
currency = "{currency}"
unit_price = {price}
"""


def one_product(extra="", currency="USD", price='"15.00"'):
    [product] = load_catalog(POSTER.format(currency=currency, price=price) + extra)
    return product


# --- the demo catalog -------------------------------------------------------------------------


def test_demo_catalog_loads():
    products = load_catalog(DEMO)
    assert [(p.slug, p.currency, p.image) for p in products] == [
        ("city-lights-poster", "USD", "img/poster.svg"),
        ("organic-tee", "USD", "img/tee.svg"),
        ("field-notes-ebook", "USD", "img/ebook.svg"),
        ("letterpress-workshop", "USD", "img/workshop.svg"),
        ("ceramic-mug", "JPY", "img/mug.svg"),
        ("harbour-postcards", "USD", "img/postcards.svg"),
        ("canvas-tote", "USD", "img/tote.svg"),
    ]
    assert all(p.name and p.description for p in products)
    # A path string from configuration works as well as a Path.
    assert load_catalog(str(DEMO)) == products


def test_demo_catalog_exercises_every_rule():
    rules = [product.rules for product in load_catalog(DEMO)]
    assert any(r.volume_prices for r in rules)
    assert any(r.pay_what_you_want and r.pay_what_you_want.suggested for r in rules)
    assert any(len(r.options) >= 2 for r in rules)
    assert any(c.delta < 0 for r in rules for group in r.options for c in group.choices)
    assert {addon.per for r in rules for addon in r.addons} == {PER_UNIT, PER_ORDER}
    assert sum(1 for r in rules if r.tip) >= 2
    assert any(r.currency == "JPY" and r.volume_prices and r.tip for r in rules)


def test_demo_catalog_has_a_product_in_each_checkout_mode():
    modes = [product.checkout_mode for product in load_catalog(DEMO)]
    # None follows the shop's CHECKOUT_MODE: "elements" unless configured otherwise.
    assert set(modes) == {None, "hosted", "embedded"}


def every_selection(product):
    """Every combination of option, add-on and tip the product offers, at its quantity limits."""
    rules = product.rules
    groups = [[(g.key, c.key) for c in g.choices] for g in rules.options]
    addon_sets = [(), tuple(addon.key for addon in rules.addons)]
    tips = [{}]
    if rules.tip:
        tips += [{"tip_percent": p} for p in rules.tip.percentages]
        tips += [{"tip_custom": 100}] if rules.tip.custom else []
    amounts = [None]
    if rules.pay_what_you_want:
        amounts = list(rules.pay_what_you_want.suggested) + [rules.pay_what_you_want.minimum]
    quantities = {rules.min_quantity, rules.max_quantity}
    quantities.update(v.from_quantity for v in rules.volume_prices)
    for options, addons, tip, amount, quantity in itertools.product(
            itertools.product(*groups), addon_sets, tips, amounts, quantities):
        yield Selection(quantity=quantity, options=dict(options), addons=addons, amount=amount,
                        **tip)


@pytest.mark.parametrize("product", load_catalog(DEMO), ids=lambda p: p.slug)
def test_every_demo_product_prices_every_choice(product):
    default, errors = selection_from_form(product, {})
    assert errors == {}
    assert quote(product, default).ok
    for selection in every_selection(product):
        priced = quote(product, selection)
        assert priced.ok, (selection, priced.errors)
        assert priced.total == sum(line.amount for line in priced.lines) + priced.tip
        assert selection_from_form(product, selection.to_form(product.currency)) == (
            selection, {})


def test_demo_prices_come_out_in_the_right_units():
    products = {product.slug: product for product in load_catalog(DEMO)}
    poster = quote(products["city-lights-poster"], Selection(quantity=10, options={"size": "a1"}))
    assert [(line.label, line.amount) for line in poster.lines] == [
        ("10 × City Lights poster (A1) @ $26.00", 26000),
        ("Volume price for 10 or more: $22.00 each", -4000),
    ]
    mug = quote(products["ceramic-mug"], Selection(quantity=4, options={"glaze": "celadon"},
                                                   addons=["gift-box"], tip_percent=5))
    # ¥(2,500 + 300) × 4 + ¥800 = ¥12,000; 5% tip ¥600. Charged as 12600, not 1260000.
    assert (mug.subtotal, mug.tip, mug.total) == (12000, 600, 12600)
    assert format_money(mug.total, "JPY") == "¥12,600"


@pytest.mark.parametrize("product", load_catalog(DEMO), ids=lambda p: p.slug)
def test_rules_survive_a_json_round_trip(product):
    stored = json.loads(json.dumps(rules_to_dict(product.rules)))
    assert stored == rules_to_dict(product.rules)
    assert rules_from_dict(stored) == product.rules


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "price", "minor"),
    [("USD", '"15.00"', 1500), ("USD", "15", 1500), ("USD", "15.5", 1550),
     ("USD", "12.10", 1210), ("USD", "0.1", 10), ("USD", '"1,234.50"', 123450),
     ("JPY", "500", 500), ("JPY", '"2800"', 2800), ("KWD", '"1.25"', 1250)],
)
def test_amounts_are_major_units_converted_exactly(currency, price, minor):
    assert one_product(currency=currency, price=price).rules.unit_price == minor


@pytest.mark.parametrize(
    ("currency", "price", "message"),
    [
        ("JPY", "1.5", "Product 'poster': unit_price: '1.5' is not a JPY amount: "
                       "¥ amounts have no decimals"),
        ("USD", "0.005", "Product 'poster': unit_price: '0.005' is not a USD amount: "
                         "Use at most 2 decimals, like 12.50"),
        ("KWD", '"1.255"', "unit_price: '1.255' is not a KWD amount"),
        ("USD", '"-1"', "unit_price: '-1' is not a USD amount: Enter an amount of zero or more"),
        ("USD", "nan", "unit_price: 'NaN' is not a USD amount"),
        ("USD", "true", 'unit_price: must be an amount, like "12.50"'),
        ("USD", '"$15"', "unit_price: '$15' is not a USD amount"),
        ("usd", "15", "currency: 'usd' is not an upper-case ISO 4217 code"),
        ("XYZ", "15", "currency: 'XYZ' is not an upper-case ISO 4217 code"),
    ],
)
def test_unrepresentable_amounts_name_product_and_field(currency, price, message):
    with pytest.raises(CatalogError, match=message.replace("$", r"\$").replace("(", r"\(")):
        one_product(currency=currency, price=price)


def test_option_deltas_may_be_negative():
    product = one_product("""
[[product.options]]
key = "size"
label = "Size"
default = "m"
choices = [{ key = "s", label = "S", delta = "-2.50" }, { key = "m", label = "M" },
           { key = "l", label = "L", delta = -1 }]
""")
    assert [choice.delta for choice in product.rules.options[0].choices] == [-250, 0, -100]


def test_every_section_is_read():
    product = one_product("""
min_quantity = 2
max_quantity = 30
volume_prices = [{ from_quantity = 10, unit_price = "12" }]

[[product.addons]]
key = "wrap"
label = "Gift wrap"
price = 3
per = "order"

[product.tip]
percentages = [10, 20]
""")
    rules = product.rules
    assert (rules.min_quantity, rules.max_quantity) == (2, 30)
    assert rules.volume_prices[0].unit_price == 1200
    assert rules.addons[0].price == 300
    assert rules.tip.percentages == (10, 20) and rules.tip.custom is False


def test_pay_what_you_want_section():
    [product] = load_catalog("""
[[product]]
slug = "zine"
name = "Zine"
image = "https://example.org/zine.png"
currency = "EUR"
[product.pay_what_you_want]
minimum = "2"
suggested = ["3", 5.5]
default = 3
""")
    pwyw = product.rules.pay_what_you_want
    assert (pwyw.minimum, pwyw.suggested, pwyw.default) == (200, (300, 550), 300)
    assert pwyw.maximum is None
    assert product.description == ""


# --- mistakes in the catalog ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('colour = "red"', "Product 'poster': colour: is not a field the catalog knows"),
        ('[[product.addons]]\nkey = "wrap"\nlabel = "Wrap"\nprice = 1\nper = "order"\ncost = 2',
         "Product 'poster': addons\\[1\\].cost: is not a field the catalog knows"),
        ('[[product.addons]]\nkey = "wrap"\nlabel = "Wrap"\nprice = 1\nper = "each"',
         "Product 'poster': addons.wrap.per: must be 'unit' or 'order'"),
        ('volume_prices = [{ from_quantity = 5, unit_price = "16" }]',
         "Product 'poster': volume_prices: each must be cheaper"),
        ('max_quantity = "ten"', "Product 'poster': max_quantity: must be a whole number"),
        ("max_quantity = 0", "Product 'poster': min_quantity, max_quantity"),
        ("[product.pay_what_you_want]\nminimum = 1\nsuggested = []\ndefault = 1",
         "Product 'poster': unit_price, pay_what_you_want: give exactly one of them"),
        ('[product.tip]\npercentages = "10"', "Product 'poster': tip.percentages: must be a list"),
        ("[product.tip]\npercentages = [0, 10]", "Product 'poster': tip.percentages"),
        ('[product.tip]\npercentages = [10]\ncustom = "yes"', "tip.custom: must be true or false"),
        ('[[product.options]]\nkey = "size"\nlabel = "Size"\ndefault = "xl"\n'
         'choices = [{ key = "m", label = "M" }]', "options.size.default: must be one of"),
    ],
)
def test_mistakes_are_named(extra, message):
    with pytest.raises(CatalogError, match=message):
        one_product(extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[product]]\nname = 'x'", "The catalog: product\\[1\\].slug: must be some text"),
        ("[[product]]\nslug = 'City Poster'", "product\\[1\\].slug: use lower-case letters"),
        ("shop = 'x'", "The catalog: shop: is not a field the catalog knows"),
        ("product = 'x'", "The catalog: product: must be a list of tables"),
        ("[[product", "The catalog is not valid TOML"),
        (POSTER.format(currency="USD", price=1) * 2, "Product 'poster' appears more than once"),
        (POSTER.format(currency="USD", price=1).replace('name = "Poster"', 'name = " "'),
         "Product 'poster': name: must be some text"),
    ],
)
def test_catalog_level_mistakes(text, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog(text)


@pytest.mark.parametrize(
    "image",
    ["../secret.txt", "/etc/passwd", "img/../../x.svg", "img/.hidden", "static/img/poster.svg",
     "http://example.org/poster.png", "javascript:alert(1)", "img\\\\poster.svg", ""],
)
def test_images_are_paths_under_static_or_https_urls(image):
    text = POSTER.format(currency="USD", price=1).replace("img/poster.svg", image)
    with pytest.raises(CatalogError, match="Product 'poster': image: "):
        load_catalog(text)


def test_layout_is_optional_and_checked():
    assert one_product().layout is None  # the shop's CHECKOUT_LAYOUT
    for layout in LAYOUTS:
        assert one_product(f'layout = "{layout}"').layout == layout
    for wrong in ('"grid"', '"Single"', "1", "true"):
        with pytest.raises(CatalogError, match="Product 'poster': layout: .* use one of split, single, compact"):
            one_product(f"layout = {wrong}")
    assert {p.layout for p in load_catalog(DEMO)} == {None, "single", "compact"}


def test_checkout_mode_is_optional_and_checked():
    assert one_product().checkout_mode is None  # the shop's CHECKOUT_MODE
    for mode in CHECKOUT_MODES:
        assert one_product(f'checkout_mode = "{mode}"').checkout_mode == mode
    for wrong in ('"stripe"', '"Hosted"', "1", "true"):
        with pytest.raises(CatalogError, match="Product 'poster': checkout_mode: .* use one of "
                                               "elements, hosted, embedded"):
            one_product(f"checkout_mode = {wrong}")


def test_a_product_ships_only_when_it_says_so():
    assert one_product().ships is False  # nothing to post unless the catalog says
    assert one_product("ships = true").ships is True
    for wrong in ('"yes"', "1"):
        with pytest.raises(CatalogError, match="Product 'poster': ships: must be true"):
            one_product(f"ships = {wrong}")
    # The demo posts its goods; the e-book and the workshop are not posted.
    assert {p.slug for p in load_catalog(DEMO) if p.ships} == {
        "city-lights-poster", "organic-tee", "ceramic-mug", "harbour-postcards", "canvas-tote"}


def test_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="Cannot read the catalog"):
        load_catalog(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    "broken",
    [{}, {"currency": "USD"},
     {**rules_to_dict(one_product().rules), "unit_price": -5},
     {**rules_to_dict(one_product().rules), "options": [{"key": "size"}]}],
)
def test_broken_stored_rules_are_a_catalog_error(broken):
    with pytest.raises(CatalogError, match="Stored pricing rules do not fit"):
        rules_from_dict(broken)


def test_text_longer_than_its_database_column_is_refused():
    long_name = "x" * 201
    text = ('[[product]]\nslug = "card"\nname = "' + long_name + '"\n'
            'image = "img/poster.svg"\ncurrency = "EUR"\nunit_price = "3.00"\n')
    with pytest.raises(CatalogError, match="name: must be at most 200 characters"):
        load_catalog(text)
