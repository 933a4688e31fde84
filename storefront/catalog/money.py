"""Money as Stripe sees it: an integer of minor units plus an ISO 4217 currency code.

Amounts only become text for people at the edges: `parse_amount` reads what a customer
typed, `format_money` and `to_major_string` write it back for pages and form fields.
"""
import copy
import re
import unicodedata
from decimal import Decimal
from functools import cached_property, lru_cache

from babel import Locale
from babel.numbers import get_currency_symbol, is_currency

# Stripe charges these as whole units: ¥500 is sent as 500, never 50000.
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)
# Stripe takes three decimals for these but only accepts multiples of 10 minor units.
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())

# Stripe's largest amount: eight digits of minor units ($999,999.99, ¥99,999,999). Stripe
# refuses more with amount_too_large ("Amount must be no more than $999,999.99").
MAX_AMOUNT = 99_999_999

# Stripe's smallest charge per currency ("$0.50 US or equivalent"), as its docs list them for
# the currencies a shop here is likely to sell in; a total under it cannot be paid.
MINIMUM_CHARGE = {
    "USD": 50, "AUD": 50, "BRL": 50, "CAD": 50, "CHF": 50, "EUR": 50, "NZD": 50, "SGD": 50,
    "GBP": 30, "DKK": 250, "HKD": 400, "MXN": 1000, "NOK": 300, "SEK": 300, "JPY": 50,
}

# Longer input is not an amount anyone means; refusing it early keeps Decimal work small.
_MAX_INPUT_LENGTH = 32
_PLAIN_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?", re.ASCII)
_MINUS_SIGNS = "-\u2212\ufe63\uff0d"  # ASCII, minus sign, small and fullwidth hyphen-minus
# Typed with a Japanese or Chinese input method, digits and separators come out fullwidth.
_FULLWIDTH_SEPARATORS = str.maketrans({"\uff0c": ",", "\uff0e": "."})


# Babel looks a code up in its whole currency list, and one price partial checks currencies a
# few dozen times (every amount's exponent); the answer for a code never changes.
_babel_knows_currency = lru_cache(maxsize=256)(is_currency)


def over_stripe_limit(total, currency):
    """Why Stripe would refuse to charge `total` in one payment, or None: the one check every
    total sent to Stripe (a product, a bag, a Checkout Session) goes through first."""
    if total > MAX_AMOUNT:
        return (f"This comes to more than {format_money(MAX_AMOUNT, currency)}, "
                "the most we can take in one payment")
    return None


def minimum_charge(currency):
    """The least Stripe charges in one payment in `currency` (minor units); 0 where unlisted."""
    return MINIMUM_CHARGE.get(currency, 0)


class AmountError(ValueError):
    """What a person typed is not an amount we can charge; str() is the message to show."""


def check_currency(currency: str) -> str:
    """Return `currency` if it is an upper-case ISO 4217 code Babel knows; else ValueError."""
    if not (isinstance(currency, str) and currency.isascii() and currency.isupper()
            and _babel_knows_currency(currency)):
        raise ValueError(f"{currency!r} is not an upper-case ISO 4217 currency code")
    return currency


@lru_cache(maxsize=None)  # a few currencies, asked on every amount read or shown
def exponent(currency: str) -> int:
    """How many decimal places Stripe's minor unit has: 0 for JPY, 3 for KWD, 2 for most."""
    check_currency(currency)
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def minor_step(currency: str) -> int:
    """The smallest chargeable step in minor units: 10 for three-decimal currencies, else 1."""
    return 10 if exponent(currency) == 3 else 1


def ascii_digits(text: str) -> str:
    """Replace every Unicode decimal digit (Arabic-Indic ١٢, fullwidth １２…) with 0-9.

    Only true decimal digits are mapped; look-alikes such as superscripts or fractions are left
    alone so that the caller's strict parser rejects them instead of misreading them.
    """
    if text.isascii():  # nothing to replace: what people nearly always type
        return text
    return "".join(_ascii_digit(ch) for ch in text)


def _ascii_digit(ch: str) -> str:
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def parse_amount(text: str, currency: str) -> int:
    """Read an amount a person typed in major units ("12", "12.5", "1,234.50") as minor units.

    Exact (Decimal, never float). Raises AmountError with a message fit to show next to the
    field for anything else: other symbols, negatives, too many decimals, too large.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT_LENGTH:
        raise AmountError(f"Enter an amount like {_example(currency)}")
    cleaned = ascii_digits(text.strip()).translate(_FULLWIDTH_SEPARATORS)
    if not cleaned:
        raise AmountError("Enter an amount")
    if cleaned[0] in _MINUS_SIGNS:
        raise AmountError("Enter an amount of zero or more")
    match = _PLAIN_NUMBER.fullmatch(cleaned)
    if match is None or not (match.group(1) or match.group(2)):
        raise AmountError(f"Enter an amount like {_example(currency)}")
    whole, fraction = match.group(1).replace(",", ""), match.group(2)
    minor = Decimal(f"{whole or 0}.{fraction or 0}").scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise AmountError(_too_many_decimals(currency))
    if problem := amount_problem(int(minor), currency):
        raise AmountError(problem)
    return int(minor)


def amount_problem(minor: int, currency: str) -> str | None:
    """Why minor units (a whole number, zero or more) cannot be charged as an amount a person
    names, or None: parse_amount's message for the same amount typed (an off-step KWD amount,
    more than Stripe's largest)."""
    if minor % minor_step(currency):
        return _too_many_decimals(currency)
    if minor > MAX_AMOUNT:
        return f"The most you can enter is {format_money(MAX_AMOUNT, currency)}"
    return None


# Babel takes microseconds per amount and a price partial shows about seven; the same amounts
# come back all the time (catalog prices, their multiples), so answers are remembered. Bounded,
# so pay-what-you-want amounts cannot grow it without limit.
@lru_cache(maxsize=4096)
def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """Format minor units for people, e.g. 1250 USD → "$12.50", 500 JPY → "¥500".

    Decimal places follow Stripe's exponent rather than Babel's own table, which disagrees
    for a few currencies (Babel shows ISK and HUF without decimals; Stripe counts hundredths).
    """
    babel_locale, pattern = _currency_format(currency, locale)
    return pattern.apply(Decimal(minor).scaleb(-exponent(currency)), babel_locale,
                         currency_digits=False)


@lru_cache(maxsize=256)
def _currency_format(currency: str, locale: str):
    """(locale, pattern) for Babel's NumberPattern.apply, as format_currency calls it: the
    locale's currency pattern with Stripe's decimal places and the currency's symbol (¤) and
    code (¤¤) already in place, so apply is given no currency. Given one, it also looks up the
    currency's name in words for every amount (a plural rule), half of what an amount cost,
    though no locale's standard pattern shows it (¤¤¤; tests/catalog/test_money.py checks)."""
    babel_locale = _NumberLocale.of(locale)
    pattern = copy.copy(babel_locale.currency_formats["standard"])
    pattern.frac_prec = (exponent(currency),) * 2
    symbol = get_currency_symbol(currency, babel_locale)

    def spelled(text):
        return text.replace("¤¤", currency.upper()).replace("¤", symbol)
    pattern.prefix = tuple(spelled(text) for text in pattern.prefix)
    pattern.suffix = tuple(spelled(text) for text in pattern.suffix)
    return babel_locale, pattern


class _NumberLocale(Locale):
    """A Babel Locale whose number symbols (decimal point, grouping) are read once. apply()
    looks both up again for every amount, through Babel's locale data (each lookup wraps the
    result in a new LocaleDataDict): two fifths of what a new amount cost."""

    @classmethod
    def of(cls, identifier):
        parsed = Locale.parse(identifier)
        return cls(parsed.language, parsed.territory, parsed.script, parsed.variant,
                   parsed.modifier)

    @cached_property
    def number_symbols(self):
        return {system: dict(symbols) for system, symbols in super().number_symbols.items()}


def to_major_string(minor: int, currency: str) -> str:
    """Minor units as the plain number a form field holds: "12.50", "500", "12.500"."""
    return f"{Decimal(minor).scaleb(-exponent(currency)):f}"


def _example(currency: str) -> str:
    return "500" if exponent(currency) == 0 else "12.50"


def _too_many_decimals(currency: str) -> str:
    if exponent(currency) == 0:
        return f"{get_currency_symbol(currency, 'en_US')} amounts have no decimals"
    # Three-decimal currencies only take multiples of 10, so people get two decimals too.
    return f"Use at most 2 decimals, like {_example(currency)}"
