from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from storefront.catalog.money import MAX_AMOUNT, format_money, minor_step
from storefront.catalog.pricing import (
    PER_ORDER,
    PER_UNIT,
    AddOn,
    Choice,
    OptionGroup,
    PayWhatYouWant,
    PricingRules,
    Selection,
    TipRules,
    VolumePrice,
    itemised,
    quote,
    quote_form,
    selection_from_form,
)


@dataclass(frozen=True)
class Product:
    name: str
    rules: PricingRules


SIZES = OptionGroup("size", "Size", (
    Choice("s", "Small", -200), Choice("m", "Medium"), Choice("l", "Large", 500),
), default="m")

POSTER = Product("Poster", PricingRules(
    "USD", unit_price=1500,
    volume_prices=(VolumePrice(5, 1350), VolumePrice(10, 1200)),
    max_quantity=50,
    options=(SIZES,),
    addons=(AddOn("gift-wrap", "Gift wrap", 300, PER_ORDER),
            AddOn("frame", "Frame", 2000, PER_UNIT)),
    tip=TipRules((10, 15, 20), custom=True),
))

EBOOK = Product("E-book", PricingRules(
    "USD",
    pay_what_you_want=PayWhatYouWant(minimum=500, suggested=(500, 1000, 2000), default=1000,
                                     maximum=50000),
    max_quantity=1,
    options=(OptionGroup("format", "Format", (Choice("epub", "EPUB"), Choice("pdf", "PDF")),
                         default="epub"),),
))

DONATION_JPY = Product("Donation", PricingRules(
    "JPY", pay_what_you_want=PayWhatYouWant(minimum=300, suggested=(500, 1000), default=500),
))

MUG = Product("Mug", PricingRules(
    "JPY", unit_price=2800, volume_prices=(VolumePrice(4, 2500),), max_quantity=12,
    tip=TipRules((5, 10), custom=True),
))

DATES = Product("Dates", PricingRules(
    "KWD", unit_price=1250, addons=(AddOn("box", "Box", 350, PER_ORDER),),
    tip=TipRules((5, 15), custom=True),
))


def labels_and_amounts(priced):
    return [(line.label, line.amount) for line in priced.lines]


# --- fixed prices, volume prices, options, add-ons ---------------------------------------------


def test_default_selection_is_one_unit_of_the_default_choice():
    priced = quote(POSTER, Selection())
    assert priced.ok
    assert labels_and_amounts(priced) == [("Poster (Medium)", 1500)]
    assert (priced.subtotal, priced.tip, priced.total) == (1500, 0, 1500)
    assert priced.currency == "USD"


@pytest.mark.parametrize(
    ("quantity", "unit_price"),
    [(1, 1500), (4, 1500), (5, 1350), (9, 1350), (10, 1200), (50, 1200)],
)
def test_volume_price_applies_to_every_unit(quantity, unit_price):
    priced = quote(POSTER, Selection(quantity=quantity))
    assert priced.subtotal == quantity * unit_price


def test_volume_saving_is_its_own_line():
    priced = quote(POSTER, Selection(quantity=10, options={"size": "l"}))
    assert labels_and_amounts(priced) == [
        ("10 × Poster (Large) @ $20.00", 20000),
        ("Volume price for 10 or more: $17.00 each", -3000),
    ]
    assert priced.total == 10 * (1200 + 500)


def test_option_delta_may_lower_the_price():
    priced = quote(POSTER, Selection(quantity=2, options={"size": "s"}))
    assert labels_and_amounts(priced) == [("2 × Poster (Small) @ $13.00", 2600)]


def test_every_option_group_adds_its_choice():
    rules = PricingRules("USD", unit_price=2600, options=(
        OptionGroup("size", "Size", (Choice("m", "M"), Choice("xl", "XL", 200)), "m"),
        OptionGroup("colour", "Colour", (Choice("natural", "Natural"),
                                         Choice("forest", "Forest", 150)), "natural"),
    ))
    priced = quote(Product("T-shirt", rules),
                   Selection(quantity=3, options={"size": "xl", "colour": "forest"}))
    assert labels_and_amounts(priced) == [("3 × T-shirt (XL, Forest) @ $29.50", 8850)]


def test_add_ons_count_per_order_or_per_unit():
    priced = quote(POSTER, Selection(quantity=3, addons=["gift-wrap", "frame"]))
    assert labels_and_amounts(priced) == [
        ("3 × Poster (Medium) @ $15.00", 4500),
        ("Gift wrap", 300),
        ("3 × Frame @ $20.00", 6000),
    ]
    assert priced.subtotal == 4500 + 300 + 6000


# --- pay what you want ------------------------------------------------------------------------


def test_pay_what_you_want_amount_replaces_the_unit_price():
    priced = quote(EBOOK, Selection(amount=1234, options={"format": "pdf"}))
    assert priced.ok
    assert labels_and_amounts(priced) == [("E-book (PDF)", 1234)]


def test_pay_what_you_want_defaults_to_the_suggested_default():
    assert quote(EBOOK, Selection()).total == 1000


@pytest.mark.parametrize(
    ("amount", "message"),
    [(499, "The minimum is $5.00"), (0, "The minimum is $5.00"),
     (50001, "The most you can pay is $500.00")],
)
def test_pay_what_you_want_limits(amount, message):
    priced = quote(EBOOK, Selection(amount=amount))
    assert priced.errors == {"amount": message}
    # Still a breakdown to show next to the message: at the default amount.
    assert priced.total == 1000


def test_zero_decimal_pay_what_you_want_charges_whole_yen():
    selection, errors = selection_from_form(DONATION_JPY, {"amount": "500"})
    assert errors == {}
    priced = quote(DONATION_JPY, selection)
    assert priced.total == 500
    assert format_money(priced.total, "JPY") == "¥500"
    assert quote(DONATION_JPY, Selection(amount=299)).errors == {"amount": "The minimum is ¥300"}


def test_fixed_price_product_refuses_an_amount():
    priced = quote(POSTER, Selection(amount=100))
    assert priced.errors == {"amount": "This product has a set price"}


# --- tips -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "selection", "tip"),
    [
        (POSTER, Selection(tip_percent=15), 225),  # 15% of $15.00
        (POSTER, Selection(quantity=3, options={"size": "s"}, tip_percent=15), 585),  # 5.85
        (POSTER, Selection(quantity=5, options={"size": "s"}, tip_percent=15), 863),  # 862.5 ↑
        (POSTER, Selection(quantity=7, options={"size": "s"}, tip_percent=10), 805),  # 805
        (MUG, Selection(tip_percent=5), 140),  # ¥2800 → ¥140
        (MUG, Selection(quantity=5, tip_percent=5), 625),  # ¥12500 → ¥625
        (MUG, Selection(quantity=1, tip_percent=10), 280),
        # Three-decimal currencies round to a multiple of 10 minor units.
        (DATES, Selection(tip_percent=15), 190),  # 1.250 KWD → 0.1875 → 0.190
        (DATES, Selection(addons=["box"], tip_percent=5), 80),  # 1.600 → 0.080
        (DATES, Selection(quantity=3, tip_percent=5), 190),  # 3.750 → 0.1875 → 0.190
    ],
)
def test_tip_percentages_round_half_up_to_the_currency_step(product, selection, tip):
    priced = quote(product, selection)
    assert priced.ok
    assert priced.tip == tip
    assert priced.total == priced.subtotal + tip


def test_custom_tip_is_added_as_typed():
    priced = quote(POSTER, Selection(tip_custom=250))
    assert (priced.subtotal, priced.tip, priced.total) == (1500, 250, 1750)


@pytest.mark.parametrize(
    ("product", "selection", "errors"),
    [
        (EBOOK, Selection(tip_percent=10), {"tip": "This product does not take tips"}),
        (POSTER, Selection(tip_percent=12), {"tip": "Choose one of the tip options"}),
        (Product("X", PricingRules("USD", unit_price=100, tip=TipRules((10,)))),
         Selection(tip_custom=100), {"tip": "Choose one of the tip options"}),
        (DATES, Selection(tip_custom=105),
         {"tip_custom": "Use at most 2 decimals, like 12.50"}),
    ],
)
def test_tips_not_offered_are_refused(product, selection, errors):
    priced = quote(product, selection)
    assert priced.errors == errors
    assert priced.tip == 0


# --- errors and limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "quantity", "message"),
    [(POSTER, 0, "Choose a quantity from 1 to 50"),
     (POSTER, 51, "Choose a quantity from 1 to 50"),
     (EBOOK, 2, "This comes in a quantity of 1 only")],
)
def test_quantity_limits(product, quantity, message):
    priced = quote(product, Selection(quantity=quantity))
    assert priced.errors == {"quantity": message}
    assert not priced.ok
    assert priced.total == quote(product, Selection()).total


def test_unknown_choices_are_errors_priced_at_the_default():
    priced = quote(POSTER, Selection(options={"size": "xxl", "paper": "gloss"},
                                     addons=["frame", "engraving"]))
    assert priced.errors == {
        "option-size": "Choose one of: Small, Medium, Large",
        "option-paper": "This product no longer has this option",
        "addon": "One of the extras you chose is not available; please choose again",
    }
    assert labels_and_amounts(priced) == [("Poster (Medium)", 1500), ("Frame", 2000)]


def test_total_over_stripes_maximum_is_refused():
    rules = PricingRules("USD", unit_price=5_000_000, max_quantity=100)
    priced = quote(Product("Boat", rules), Selection(quantity=20))
    assert priced.total == 100_000_000
    assert priced.errors == {
        "total": "This comes to more than $999,999.99, the most we can take in one payment",
    }


# --- Selection --------------------------------------------------------------------------------


def test_selection_is_canonical():
    assert Selection(options={"b": "1", "a": "2"}, addons=["y", "x", "y"]) == Selection(
        options=(("a", "2"), ("b", "1")), addons=("x", "y"))
    assert Selection(tip_percent=0) == Selection(tip_custom=0) == Selection()
    assert hash(Selection(addons={"x"})) == hash(Selection(addons=["x"]))


@pytest.mark.parametrize(
    "arguments",
    [{"quantity": -1}, {"quantity": 1.5}, {"quantity": True}, {"amount": -5},
     {"tip_custom": -1}, {"tip_percent": 10, "tip_custom": 100}, {"addons": "frame"}],
)
def test_selection_refuses_impossible_values(arguments):
    with pytest.raises((ValueError, TypeError)):
        Selection(**arguments)


def test_to_form_writes_major_units():
    selection = Selection(quantity=2, options={"size": "l"}, addons=["frame"], tip_custom=250)
    assert selection.to_form("USD") == {
        "quantity": "2", "option-size": "l", "addon": ["frame"],
        "tip": "custom", "tip_custom": "2.50",
    }
    assert Selection(amount=500).to_form("JPY") == {"quantity": "1", "amount": "500"}
    assert Selection(tip_percent=15).to_form("USD") == {"quantity": "1", "tip": "15"}


# --- reading the form -------------------------------------------------------------------------


def test_empty_form_gives_the_default_selection():
    assert selection_from_form(POSTER, {}) == (Selection(options={"size": "m"}), {})
    assert selection_from_form(EBOOK, {}) == (
        Selection(options={"format": "epub"}, amount=1000), {})


def test_form_with_every_field():
    form = {"quantity": " 12 ", "option-size": "l", "addon": ["frame", "gift-wrap"],
            "tip": "custom", "tip_custom": "3.50", "csrf_token": "ignored"}
    selection, errors = selection_from_form(POSTER, form)
    assert errors == {}
    assert selection == Selection(quantity=12, options={"size": "l"},
                                  addons=["frame", "gift-wrap"], tip_custom=350)


def test_form_reads_every_value_of_a_multidict():
    form = MultiDict([("addon", "frame"), ("addon", "gift-wrap"), ("quantity", "2")])
    selection, errors = selection_from_form(POSTER, form)
    assert errors == {}
    assert selection.addons == ("frame", "gift-wrap")


GARBLED = "This field came through garbled; please enter it again"


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"quantity": ""}, {"quantity": "Enter a quantity"}),
        ({"quantity": "abc"}, {"quantity": "Enter a whole number, like 2"}),
        ({"quantity": "-3"}, {"quantity": "Enter a whole number, like 2"}),
        ({"quantity": "2.5"}, {"quantity": "Enter a whole number, like 2"}),
        ({"quantity": "²"}, {"quantity": "Enter a whole number, like 2"}),
        ({"quantity": "9" * 101}, {"quantity": "That is too long"}),
        ({"quantity": ["2", "3"]}, {"quantity": "Choose only one"}),
        ({"quantity": None}, {"quantity": GARBLED}),
        ({"quantity": 3}, {"quantity": GARBLED}),
        ({"option-size": "xxl"}, {"option-size": "Choose one of: Small, Medium, Large"}),
        ({"addon": ["frame", "engraving"]},
         {"addon": "One of the extras you chose is not available; please choose again"}),
        ({"addon": [1]}, {"addon": GARBLED}),
        ({"addon": ["frame"] * 101},
         {"addon": GARBLED}),
        ({"tip": "12"}, {"tip": "Choose one of the tip options"}),
        ({"tip": "custom"}, {"tip_custom": "Enter a tip amount"}),
        ({"tip": "custom", "tip_custom": "  "}, {"tip_custom": "Enter a tip amount"}),
        ({"tip": "custom", "tip_custom": "-1"}, {"tip_custom": "Enter an amount of zero or more"}),
        ({"tip": "custom", "tip_custom": "1.234"},
         {"tip_custom": "Use at most 2 decimals, like 12.50"}),
        ({"tip": "custom", "tip_custom": ["1", None]},
         {"tip_custom": GARBLED}),
    ],
)
def test_form_errors_are_messages_for_the_field(form, errors):
    selection, form_errors = selection_from_form(POSTER, form)
    assert form_errors == errors
    # Unreadable fields fall back to the product's defaults.
    assert quote(POSTER, selection).ok


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"amount": ""}, {"amount": "Enter an amount"}),
        ({"amount": "$12"}, {"amount": "Enter an amount like 12.50"}),
        ({"amount": "12.505"}, {"amount": "Use at most 2 decimals, like 12.50"}),
        ({"amount": "NaN"}, {"amount": "Enter an amount like 12.50"}),
        ({"amount": "1e9"}, {"amount": "Enter an amount like 12.50"}),
        ({"amount": "10000000"}, {"amount": "The most you can enter is $999,999.99"}),
    ],
)
def test_pay_what_you_want_form_errors(form, errors):
    selection, form_errors = selection_from_form(EBOOK, form)
    assert form_errors == errors
    assert selection.amount == 1000


def test_form_ignores_fields_for_rules_the_product_lacks():
    selection, errors = selection_from_form(
        EBOOK, {"tip": "15", "addon": "frame", "option-size": "l"})
    assert errors == {}
    assert selection == Selection(options={"format": "epub"}, amount=1000)
    assert selection_from_form(POSTER, {"amount": "1.00"})[0].amount is None


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [("quantity", "١٢", 12), ("quantity", "１２", 12), ("quantity", "০৩", 3),
     ("tip", "１５", 15), ("amount", "٧٫٥", None)],
)
def test_digits_from_any_script_are_read_as_numbers(field, text, value):
    product = EBOOK if field == "amount" else POSTER
    selection, errors = selection_from_form(product, {field: text})
    if value is None:  # the Arabic decimal separator is not ours: refused, not misread
        assert errors == {"amount": "Enter an amount like 12.50"}
    else:
        assert errors == {}
        assert getattr(selection, "tip_percent" if field == "tip" else field) == value


def test_tip_none_and_zero_mean_no_tip():
    for text in ("none", "0", ""):
        assert selection_from_form(POSTER, {"tip": text})[0].tip_percent is None


def test_quote_form_merges_form_and_rule_errors():
    selection, priced = quote_form(POSTER, {"quantity": "60", "option-size": "xxl"})
    assert selection.quantity == 60
    assert priced.errors == {
        "quantity": "Choose a quantity from 1 to 50",
        "option-size": "Choose one of: Small, Medium, Large",
    }
    _, priced = quote_form(EBOOK, {"amount": "2"})
    assert priced.errors == {"amount": "The minimum is $5.00"}


# --- checking the rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"currency": "usd", "unit_price": 100}, "not an upper-case ISO 4217"),
        ({}, "unit_price, pay_what_you_want: give exactly one"),
        ({"unit_price": 100, "pay_what_you_want": PayWhatYouWant(0, (), 0)},
         "give exactly one"),
        ({"unit_price": -1}, "unit_price: must be a whole number of minor units, zero or more"),
        ({"unit_price": 1.5}, "unit_price: must be a whole number"),
        ({"currency": "KWD", "unit_price": 1255}, "a multiple of 10"),
        ({"unit_price": 100, "volume_prices": (VolumePrice(5, 100),)},
         "volume_prices: each must be cheaper"),
        ({"unit_price": 100, "volume_prices": (VolumePrice(5, 90), VolumePrice(5, 80))},
         "volume_prices: from_quantity must be above 1 and go up"),
        ({"unit_price": 100, "min_quantity": 0}, "min_quantity, max_quantity"),
        ({"unit_price": 100, "min_quantity": 5, "max_quantity": 4}, "min_quantity, max_quantity"),
        ({"unit_price": 100, "max_quantity": 10_001}, "min_quantity, max_quantity"),
        ({"pay_what_you_want": PayWhatYouWant(500, (), 400)}, "pay_what_you_want.default"),
        ({"pay_what_you_want": PayWhatYouWant(500, (100,), 500)},
         "pay_what_you_want.suggested"),
        ({"pay_what_you_want": PayWhatYouWant(500, (), 500, maximum=400)},
         "pay_what_you_want.default"),
        ({"unit_price": 100, "options": (OptionGroup("size", "Size", (Choice("m", "M"),), "l"),)},
         "options.size.default: must be one of the choices"),
        ({"unit_price": 100, "options": (OptionGroup("size", "Size", (), "m"),)},
         "options.size: needs at least one choice"),
        ({"unit_price": 100, "options": (OptionGroup("Size!", "Size", (Choice("m", "M"),), "m"),)},
         "options: key 'Size!' must be lower-case"),
        ({"unit_price": 100, "options": (OptionGroup("size", "Size", (Choice("m", ""),), "m"),)},
         "options.size.m: needs a label"),
        ({"unit_price": 100, "options": (SIZES, SIZES)}, "options: keys must be different"),
        ({"unit_price": 100, "options": (SIZES,)}, "the unit price negative"),
        ({"pay_what_you_want": PayWhatYouWant(500, (), 500), "options": (SIZES,)},
         "options.size: cannot lower a pay-what-you-want price"),
        ({"unit_price": 100, "addons": (AddOn("wrap", "Wrap", 100, "each"),)},
         "addons.wrap.per: must be 'unit' or 'order'"),
        ({"unit_price": 100, "addons": (AddOn("wrap", "Wrap", -100, PER_ORDER),)},
         "addons.wrap.price"),
        ({"unit_price": 100, "tip": TipRules((0, 10))}, "tip.percentages"),
        ({"unit_price": 100, "tip": TipRules((10, 10))}, "tip.percentages"),
        ({"unit_price": 100, "tip": TipRules(())}, "tip: offer some percentages or a custom tip"),
    ],
)
def test_broken_rules_are_refused_with_the_field_named(arguments, message):
    arguments = {"currency": "USD", **arguments}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        PricingRules(**arguments)


# --- properties -------------------------------------------------------------------------------

CURRENCIES = ["USD", "EUR", "JPY", "KRW", "KWD", "BHD"]


@st.composite
def products(draw):
    """Any valid product: the rules are drawn so that every check in PricingRules passes."""
    currency = draw(st.sampled_from(CURRENCIES))
    step = minor_step(currency)

    def money(low, high):
        return draw(st.integers(low, high)) * step

    min_quantity = draw(st.integers(1, 5))
    max_quantity = draw(st.integers(min_quantity, 200))
    if draw(st.booleans()):
        minimum = money(0, 5000)
        maximum = draw(st.none() | st.integers(minimum // step, 200_000).map(lambda n: n * step))
        top = maximum if maximum is not None else minimum + 100_000 * step
        pricing = {"pay_what_you_want": PayWhatYouWant(
            minimum=minimum,
            suggested=tuple(n * step for n in draw(
                st.lists(st.integers(minimum // step, top // step), max_size=4))),
            default=money(minimum // step, top // step),
            maximum=maximum,
        )}
        lowest, may_lower = minimum, False
    else:
        unit_price = money(0, 100_000)
        volume_prices, price, start = [], unit_price, 1
        for _ in range(draw(st.integers(0, 3))):
            start += draw(st.integers(1, 20))
            if price < step:
                break
            price = money(0, price // step - 1)
            volume_prices.append(VolumePrice(start, price))
        pricing = {"unit_price": unit_price, "volume_prices": tuple(volume_prices)}
        lowest, may_lower = price, True

    groups = []
    for number in range(draw(st.integers(0, 2))):
        floor = -(lowest // 2 // step) if may_lower else 0
        deltas = draw(st.lists(st.integers(floor, 5000), min_size=1, max_size=4))
        choices = tuple(Choice(f"c{i}", f"Choice {i}", delta * step)
                        for i, delta in enumerate(deltas))
        groups.append(OptionGroup(f"g{number}", f"Group {number}", choices,
                                  draw(st.sampled_from(choices)).key))
        lowest += min(deltas) * step
    addons = tuple(
        AddOn(f"a{i}", f"Add-on {i}", money(0, 5000), draw(st.sampled_from([PER_UNIT, PER_ORDER])))
        for i in range(draw(st.integers(0, 3)))
    )
    tip = draw(st.none() | st.builds(
        TipRules, st.lists(st.integers(1, 100), unique=True, min_size=1, max_size=4).map(tuple),
        st.booleans()))
    rules = PricingRules(currency, min_quantity=min_quantity, max_quantity=max_quantity,
                         options=tuple(groups), addons=addons, tip=tip, **pricing)
    return Product("Thing", rules)


@st.composite
def products_and_selections(draw):
    """A product and a Selection: half the time one that fits its rules, half the time anything."""
    product = draw(products())
    rules = product.rules
    if draw(st.booleans()):
        return product, draw(fitting_selections(rules))
    keys = st.sampled_from(["g0", "g1", "g9"])
    choices = st.sampled_from(["c0", "c1", "c2", "c3", "zz"])
    selection = Selection(
        quantity=draw(st.integers(0, rules.max_quantity + 3)),
        options=draw(st.dictionaries(keys, choices, max_size=3)),
        addons=draw(st.lists(st.sampled_from(["a0", "a1", "a2", "zz"]), max_size=4)),
        amount=draw(st.none() | st.integers(0, 300_000)),
        **draw(st.just({}) | st.fixed_dictionaries({"tip_percent": st.integers(0, 100)})
               | st.fixed_dictionaries({"tip_custom": st.integers(0, 100_000)})),
    )
    return product, selection


@st.composite
def fitting_selections(draw, rules):
    step = minor_step(rules.currency)
    pwyw = rules.pay_what_you_want
    amount = None
    if pwyw is not None:
        top = pwyw.maximum if pwyw.maximum is not None else pwyw.minimum + 100_000 * step
        amount = draw(st.integers(pwyw.minimum // step, top // step)) * step
    tip = {}
    if rules.tip is not None:
        offered = [{}, *({"tip_percent": percent} for percent in rules.tip.percentages)]
        tip = draw(st.sampled_from(offered))
        if rules.tip.custom and draw(st.booleans()):
            tip = {"tip_custom": draw(st.integers(0, 10_000)) * step}
    return Selection(
        quantity=draw(st.integers(rules.min_quantity, rules.max_quantity)),
        options={group.key: draw(st.sampled_from(group.choices)).key for group in rules.options},
        addons=draw(st.lists(st.sampled_from([addon.key for addon in rules.addons])))
        if rules.addons else (),
        amount=amount,
        **tip,
    )


@given(products_and_selections())
def test_quote_arithmetic_is_exact_and_never_negative(case):
    product, selection = case
    priced = quote(product, selection)
    amounts = [priced.subtotal, priced.tip, priced.total, *(line.amount for line in priced.lines)]
    assert all(type(amount) is int for amount in amounts)
    assert sum(line.amount for line in priced.lines) == priced.subtotal
    assert priced.total == priced.subtotal + priced.tip
    assert priced.subtotal >= 0 and priced.tip >= 0 and priced.total >= 0
    assert all(isinstance(key, str) and isinstance(message, str) and message
               for key, message in priced.errors.items())
    if priced.ok:
        step = minor_step(product.rules.currency)
        assert all(amount % step == 0 for amount in amounts)
        assert priced.total <= MAX_AMOUNT
        pwyw = product.rules.pay_what_you_want
        if pwyw is not None:
            assert priced.total >= pwyw.minimum * selection.quantity
            assert priced.lines[0].amount >= pwyw.minimum * selection.quantity


@given(products_and_selections())
def test_payment_page_lines_are_never_negative_and_add_up_to_the_total(case):
    # Stripe Checkout lists these lines (quantity × unit price, none negative): its total must be
    # the shop's to the minor unit, volume discounts, add-ons and tips included.
    product, selection = case
    priced = quote(product, selection)
    if not priced.ok:
        return
    lines = itemised(priced)
    assert all(line.amount >= 0 and line.quantity >= 1 and line.amount % line.quantity == 0
               for line in lines)
    assert sum(line.amount for line in lines) == priced.total
    step = minor_step(product.rules.currency)
    assert all((line.amount // line.quantity) % step == 0 for line in lines)


def test_a_volume_discount_becomes_the_volume_unit_price_on_the_payment_page():
    priced = quote(POSTER, Selection(quantity=10, options=(("size", "l"),),
                                     addons=("gift-wrap", "frame"), tip_percent=10))
    assert [(line.name, line.quantity, line.amount // line.quantity) for line in itemised(priced)] == [
        ("Poster (Large), volume price for 10 or more", 10, 1700),
        ("Gift wrap", 1, 300),
        ("Frame", 10, 2000),
        ("Tip", 1, priced.tip),
    ]
    assert priced.tip == 3730 and sum(line.amount for line in itemised(priced)) == priced.total == 41030


def test_without_a_discount_the_payment_page_lists_the_quotes_own_lines():
    priced = quote(POSTER, Selection(quantity=2))
    assert [(line.label, line.amount) for line in itemised(priced)] == [
        (line.label, line.amount) for line in priced.lines]
    assert itemised(priced)[0].quantity == 2


@given(products_and_selections())
def test_zero_decimal_totals_are_whole_units(case):
    product, selection = case
    priced = quote(product, selection)
    if product.rules.currency == "JPY":
        # ¥ totals are charged as they are shown: ¥1,234 is 1234, never 123400.
        assert format_money(priced.total, "JPY") == f"¥{priced.total:,}"


@given(products_and_selections())
def test_a_valid_selection_survives_the_form_round_trip(case):
    product, selection = case
    selection, _ = selection_from_form(product, selection.to_form(product.rules.currency))
    if quote(product, selection).ok:
        again = selection_from_form(product, selection.to_form(product.rules.currency))
        assert again == (selection, {})


FIELDS = st.sampled_from(["quantity", "option-g0", "option-g1", "addon", "amount", "tip",
                          "tip_custom"]) | st.text(max_size=12)
VALUES = (st.text(max_size=120) | st.lists(st.text(max_size=20), max_size=5)
          | st.sampled_from(["10", "custom", "c1", "a0", "1.50", "١٢", "１２", "  7 "])
          | st.none() | st.integers() | st.lists(st.none() | st.integers(), max_size=2))


@given(products(), st.dictionaries(FIELDS, VALUES, max_size=8))
def test_any_form_gives_a_selection_and_messages_never_an_exception(product, form):
    selection, errors = selection_from_form(product, form)
    assert isinstance(selection, Selection)
    assert all(isinstance(message, str) and message for message in errors.values())
    _, priced = quote_form(product, form)
    assert priced.total >= 0
    assert priced.errors.keys() >= errors.keys()
