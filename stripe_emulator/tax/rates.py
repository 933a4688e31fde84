"""The local Stripe's tax rates: a few US states, a few EU countries and Canada's GST, as an
account registered to collect there would be taxed (docs/local-stripe.md, "Stripe Tax").

Real Stripe Tax knows every jurisdiction, county and city rate and thousands of product tax
codes; the local one knows this table. A place not in it is one the account has no
registration for: Stripe calculates no tax there (taxability_reason "not_collecting").
Rates are the state or national standard rate only (no county, city or reduced rates).
"""
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Stripe's tax codes the local Stripe tells apart; any other well-formed txcd_ code is taxed
# at the standard rate, as a general good would be.
GENERAL_GOODS = "txcd_99999999"      # General - Tangible Goods
ELECTRONIC_SERVICES = "txcd_10000000"  # Electronically Supplied Services: Stripe's preset code
DIGITAL_BOOKS = "txcd_10302000"      # Digital Books - downloaded - permanent rights
GENERAL_SERVICES = "txcd_20030000"   # General - Services
SHIPPING = "txcd_92010001"           # Shipping
NONTAXABLE = "txcd_00000000"         # Nontaxable: never taxed anywhere
TAX_CODE = re.compile(r"^txcd_\d{8}$")

# The code a line without `tax_code` is taxed as (the account's preset, in Stripe's settings),
# and shipping's.
DEFAULT_TAX_CODE = ELECTRONIC_SERVICES
DEFAULT_SHIPPING_TAX_CODE = SHIPPING


@dataclass(frozen=True)
class Rate:
    country: str
    state: str | None        # ISO 3166-2 subdivision, without the country
    jurisdiction: str        # Stripe's jurisdiction display_name
    level: str               # "state" or "country"
    percentage: Decimal
    tax_type: str            # Stripe's tax_type
    display_name: str        # Stripe's tax_rate_details.display_name
    exempt: frozenset = field(default_factory=frozenset)  # tax codes not taxed here
    zip_prefixes: tuple = ()  # the US state's 3-digit ZIP prefixes (first, last), inclusive

    @property
    def percentage_decimal(self):
        """As Stripe writes it: "7.25", "19.0"."""
        text = format(self.percentage, "f")
        return text if "." in text else f"{text}.0"


RATES = {
    # California: 7.25 % state sales tax (the statewide base; districts add more, not here).
    # Digital books are not taxed, nor shipping stated separately and sent by common carrier.
    ("US", "CA"): Rate("US", "CA", "California", "state", Decimal("7.25"), "sales_tax",
                       "Sales Tax", frozenset({DIGITAL_BOOKS, SHIPPING}), ((900, 961),)),
    # New York: 4 % state sales tax (localities add more, not here); shipping is taxable.
    ("US", "NY"): Rate("US", "NY", "New York", "state", Decimal("4"), "sales_tax",
                       "Sales Tax", zip_prefixes=((100, 149),)),
    # Washington: 6.5 % state retail sales tax; digital goods and shipping are taxable.
    ("US", "WA"): Rate("US", "WA", "Washington", "state", Decimal("6.5"), "sales_tax",
                       "Sales Tax", zip_prefixes=((980, 994),)),
    # Texas: 6.25 % state sales tax; shipping is taxable.
    ("US", "TX"): Rate("US", "TX", "Texas", "state", Decimal("6.25"), "sales_tax",
                       "Sales Tax", zip_prefixes=((750, 799), (885, 885))),
    # Germany: 19 % standard VAT (books' 7 % reduced rate is not modelled).
    ("DE", None): Rate("DE", None, "Germany", "country", Decimal("19"), "vat", "VAT"),
    # France: 20 % standard VAT.
    ("FR", None): Rate("FR", None, "France", "country", Decimal("20"), "vat", "VAT"),
    # Ireland: 23 % standard VAT.
    ("IE", None): Rate("IE", None, "Ireland", "country", Decimal("23"), "vat", "VAT"),
    # The Netherlands: 21 % standard VAT.
    ("NL", None): Rate("NL", None, "Netherlands", "country", Decimal("21"), "vat", "VAT"),
    # Canada: 5 % federal GST everywhere (provinces' HST, PST and QST are not modelled).
    ("CA", None): Rate("CA", None, "Canada", "country", Decimal("5"), "gst", "GST"),
}

# Where the account is not registered: Stripe names the place and collects nothing.
US_STATE_NAMES = {"OR": "Oregon", "MT": "Montana", "NH": "New Hampshire", "DE": "Delaware",
                  "FL": "Florida", "IL": "Illinois", "MA": "Massachusetts"}
US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
CA_POSTAL_CODE = re.compile(r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$")


def rate_for(country, state):
    """The table's rate for a place (a US state, or a country), or None: not collecting."""
    return RATES.get((country, state if country == "US" else None))


def state_of_zip(postal_code):
    """The listed US state a ZIP code is in, or None (a state the table does not list)."""
    prefix = int(postal_code[:3])
    for (country, state), rate in RATES.items():
        if any(first <= prefix <= last for first, last in rate.zip_prefixes):
            return state
    return None


def tax_on(amount, percentage, behavior):
    """The tax on one line, rounded half up to the currency's minor unit as Stripe rounds each
    line: added on top (exclusive), or the part of `amount` that is tax (inclusive)."""
    amount = Decimal(amount)
    if behavior == "exclusive":
        tax = amount * percentage / 100
    else:
        tax = amount * percentage / (100 + percentage)
    return int(tax.quantize(Decimal(1), rounding=ROUND_HALF_UP))
