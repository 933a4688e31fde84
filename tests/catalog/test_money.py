from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.catalog.money import (
    MAX_AMOUNT,
    AmountError,
    ascii_digits,
    check_currency,
    exponent,
    format_money,
    minor_step,
    parse_amount,
    to_major_string,
)


@pytest.mark.parametrize(
    ("currency", "places", "step"),
    [("USD", 2, 1), ("EUR", 2, 1), ("JPY", 0, 1), ("KRW", 0, 1), ("XPF", 0, 1),
     ("KWD", 3, 10), ("TND", 3, 10), ("ISK", 2, 1)],
)
def test_exponent_and_step_follow_stripe(currency, places, step):
    assert exponent(currency) == places
    assert minor_step(currency) == step


@pytest.mark.parametrize("code", ["usd", "US", "ZZZ", "", "U S", "ＵＳＤ", None])
def test_currency_codes_are_checked(code):
    with pytest.raises(ValueError):
        check_currency(code)
    with pytest.raises(ValueError):
        exponent(code)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12", "USD", 1200),
        ("12.5", "USD", 1250),
        ("12.50", "USD", 1250),
        ("12.500", "USD", 1250),
        ("1,234.50", "USD", 123450),
        (" 7 ", "USD", 700),
        (".5", "USD", 50),
        ("12.", "USD", 1200),
        ("0", "USD", 0),
        ("500", "JPY", 500),
        ("1,500", "JPY", 1500),
        ("12.00", "JPY", 12),
        ("12.34", "KWD", 12340),
        ("12.340", "KWD", 12340),
        ("999999.99", "USD", MAX_AMOUNT),
        ("99,999,999", "JPY", MAX_AMOUNT),
        # Digits from other scripts and fullwidth input methods mean the same number.
        ("１２", "USD", 1200),
        ("١٢.٥", "USD", 1250),
        ("５００", "JPY", 500),
        ("１，２３４．５", "USD", 123450),
    ],
)
def test_parse_amount_reads_what_people_type(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("", "USD", "Enter an amount"),
        ("   ", "USD", "Enter an amount"),
        ("abc", "USD", "Enter an amount like 12.50"),
        ("¥500", "JPY", "Enter an amount like 500"),
        ("$12", "USD", "Enter an amount like 12.50"),
        ("12,50", "USD", "Enter an amount like 12.50"),
        ("1,2,3", "USD", "Enter an amount like 12.50"),
        ("1 234", "USD", "Enter an amount like 12.50"),
        ("NaN", "USD", "Enter an amount like 12.50"),
        ("Infinity", "USD", "Enter an amount like 12.50"),
        ("-inf", "USD", "Enter an amount of zero or more"),
        ("1e3", "USD", "Enter an amount like 12.50"),
        ("+5", "USD", "Enter an amount like 12.50"),
        (".", "USD", "Enter an amount like 12.50"),
        ("1²", "USD", "Enter an amount like 12.50"),
        ("½", "USD", "Enter an amount like 12.50"),
        ("1" * 40, "USD", "Enter an amount like 12.50"),
        ("-3", "USD", "Enter an amount of zero or more"),
        ("−3", "USD", "Enter an amount of zero or more"),
        ("1.5", "JPY", "¥ amounts have no decimals"),
        ("12.50", "JPY", "¥ amounts have no decimals"),
        ("0.005", "USD", "Use at most 2 decimals, like 12.50"),
        ("12.345", "KWD", "Use at most 2 decimals, like 12.50"),
        ("1000000", "USD", "The most you can enter is $999,999.99"),
        ("100,000,000", "JPY", "The most you can enter is ¥99,999,999"),
    ],
)
def test_parse_amount_explains_what_is_wrong(text, currency, message):
    with pytest.raises(AmountError) as caught:
        parse_amount(text, currency)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@given(st.text(max_size=40), st.sampled_from(["USD", "JPY", "KWD"]))
def test_parse_amount_only_ever_raises_amount_error(text, currency):
    try:
        minor = parse_amount(text, currency)
    except AmountError:
        return
    assert isinstance(minor, int)
    assert 0 <= minor <= MAX_AMOUNT
    assert minor % minor_step(currency) == 0


@given(st.integers(0, MAX_AMOUNT), st.sampled_from(["USD", "EUR", "JPY", "KRW", "KWD", "BHD"]))
def test_major_string_round_trips_exactly(minor, currency):
    minor -= minor % minor_step(currency)
    text = to_major_string(minor, currency)
    assert parse_amount(text, currency) == minor
    assert Decimal(text) * 10 ** exponent(currency) == minor


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "text"),
    [
        (1250, "USD", "en_US", "$12.50"),
        (500, "JPY", "en_US", "¥500"),
        (123450, "USD", "en_US", "$1,234.50"),
        (12340, "KWD", "en_US", "KWD12.340"),
        (-150, "USD", "en_US", "-$1.50"),
        (0, "USD", "en_US", "$0.00"),
        (1250, "EUR", "de_DE", "12,50\xa0€"),
        (500, "JPY", "ja_JP", "￥500"),
        # Babel's own table shows ISK without decimals; Stripe counts hundredths.
        (1250, "ISK", "en_US", "ISK12.50"),
    ],
)
def test_format_money(minor, currency, locale, text):
    assert format_money(minor, currency, locale) == text


def test_no_locales_standard_currency_pattern_names_the_currency_in_words():
    # format_money spells in the symbol and the code (¤, ¤¤); a name (¤¤¤) depends on the amount.
    from babel import Locale, localedata
    patterns = [Locale.parse(name).currency_formats["standard"]
                for name in localedata.locale_identifiers() if name != "root"]
    assert patterns and not [p.pattern for p in patterns if "¤¤¤" in "".join(p.prefix + p.suffix)]


@given(st.integers(-MAX_AMOUNT, MAX_AMOUNT),
       st.sampled_from(["USD", "EUR", "GBP", "JPY", "KWD", "ISK", "CHF", "INR", "BRL", "SEK"]),
       st.sampled_from(["en_US", "en_GB", "de_DE", "fr_FR", "de_CH", "ja_JP", "hi_IN", "ar_EG",
                        "pt_BR", "sv_SE", "fr_CA", "nl_NL", "he_IL"]))
def test_format_money_writes_what_babels_format_currency_writes(minor, currency, locale):
    # format_money spells the symbol into the pattern once, instead of per amount.
    from babel import Locale
    from babel.numbers import format_currency
    pattern = Locale.parse(locale).currency_formats["standard"]
    places = exponent(currency)
    pattern = type(pattern)(pattern.pattern, pattern.prefix, pattern.suffix, pattern.grouping,
                            pattern.int_prec, (places, places), pattern.exp_prec, pattern.exp_plus,
                            pattern.number_pattern)
    expected = format_currency(Decimal(minor).scaleb(-places), currency, format=pattern,
                               locale=locale, currency_digits=False)
    assert format_money(minor, currency, locale) == expected


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [(1250, "USD", "12.50"), (500, "JPY", "500"), (12340, "KWD", "12.340"),
     (0, "USD", "0.00"), (5, "USD", "0.05"), (MAX_AMOUNT, "USD", "999999.99")],
)
def test_to_major_string_prefills_form_fields(minor, currency, text):
    assert to_major_string(minor, currency) == text


def test_ascii_digits_maps_only_decimal_digits():
    assert ascii_digits("١٢٣ １２３ ०१") == "123 123 01"
    assert ascii_digits("²½x") == "²½x"
