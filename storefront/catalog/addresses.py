"""Shipping addresses: the countries the shop knows how to address, their fields and their rules.

Pure: no Flask, no database, no Stripe. An address is Stripe's shape, the one a PaymentIntent's
`shipping[address]` and a Checkout Session's collected shipping details use:
{line1, line2, city, state, postal_code, country}, `country` a two-letter ISO 3166-1 code and
`state` as Stripe writes it: the ISO 3166-2 subdivision code without its country ("CA", "ON",
"NSW"), or for Japan the prefecture in Latin letters ("Tokyo"), as Stripe's Address Element
gives it.

Each country says which fields it has, what they are called there ("ZIP code", "Postcode",
"PLZ"; "State", "Province", "County", "Prefecture"), in the order people there write them, and
how a postal code looks. `clean_address` checks a posted address against its country and writes
it the way the post expects ("k1a0b1" → "K1A 0B1", "1000001" → "100-0001").
"""
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# The form's field names, one per part of Stripe's address, plus the name on the parcel.
NAME, LINE1, LINE2, CITY, STATE, POSTAL_CODE, COUNTRY = (
    "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_state", "ship_postal_code",
    "ship_country")
STRIPE_FIELD = {LINE1: "line1", LINE2: "line2", CITY: "city", STATE: "state",
                POSTAL_CODE: "postal_code", COUNTRY: "country"}
# What Stripe takes (and PostgreSQL is spared): no address line a person writes is longer.
MAX_LENGTH = 200


@dataclass(frozen=True)
class Field:
    name: str  # the form's field name (LINE1…)
    label: str
    autocomplete: str  # the token after "shipping " ("address-line1", "postal-code")
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (value, label): a select instead of text
    pattern: str | None = None  # the browser's check (HTML `pattern`), as loose as the server's
    example: str = ""  # "e.g. K1A 0B1", the hint under a postal code
    inputmode: str | None = None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    fields: tuple[Field, ...]  # in the order people there write an address
    postal_code: re.Pattern | None = None  # matches a normalised postal code; None: any
    normalise: Callable[[str], str] = field(default=lambda text: text, compare=False)

    def field(self, name: str) -> Field | None:
        return next((each for each in self.fields if each.name == name), None)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _upper(text: str) -> str:
    return _squeeze(text).upper()


def _outward_inward(text: str) -> str:
    """A UK or Canadian postcode written the post's way: upper case, one space before the last
    three characters ("sw1a1aa" → "SW1A 1AA")."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _eircode(text: str) -> str:
    """An Eircode is a routing key and a unique identifier: "D02 X285"."""
    compact = "".join(text.split()).upper()
    return f"{compact[:3]} {compact[3:]}" if len(compact) == 7 else compact


def _dutch(text: str) -> str:
    compact = "".join(text.split()).upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


def _japanese(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    digits = digits.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else _squeeze(text)


def _digits(text: str) -> str:
    return "".join(text.split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def _zip(text: str) -> str:
    """ZIP+4 with its dash ("123456789" → "12345-6789")."""
    digits = _digits(text).replace("-", "")
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else digits


def _line1(label="Address", required=True):
    return Field(LINE1, label, "address-line1", required)


def _line2(label="Apartment, suite, etc. (optional)"):
    return Field(LINE2, label, "address-line2", required=False)


def _city(label="City"):
    return Field(CITY, label, "address-level2")


def _state(label, choices=(), required=True):
    return Field(STATE, label, "address-level1", required, tuple(choices))


def _postal(label, pattern, example, inputmode=None, required=True):
    return Field(POSTAL_CODE, label, "postal-code", required, pattern=pattern,
                 example=example, inputmode=inputmode)


US_STATES = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"),
    ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"),
    ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
    ("PR", "Puerto Rico"), ("AA", "Armed Forces Americas"), ("AE", "Armed Forces Europe"),
    ("AP", "Armed Forces Pacific"),
)
CA_PROVINCES = (
    ("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"),
    ("NB", "New Brunswick"), ("NL", "Newfoundland and Labrador"),
    ("NT", "Northwest Territories"), ("NS", "Nova Scotia"), ("NU", "Nunavut"),
    ("ON", "Ontario"), ("PE", "Prince Edward Island"), ("QC", "Quebec"),
    ("SK", "Saskatchewan"), ("YT", "Yukon"),
)
AU_STATES = (
    ("ACT", "Australian Capital Territory"), ("NSW", "New South Wales"),
    ("NT", "Northern Territory"), ("QLD", "Queensland"), ("SA", "South Australia"),
    ("TAS", "Tasmania"), ("VIC", "Victoria"), ("WA", "Western Australia"),
)
# In Latin letters, as Stripe writes a Japanese address's `state`; north to south, as listed
# in Japan.
JP_PREFECTURES = tuple((name, name) for name in (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki",
    "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama",
    "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga",
    "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane", "Okayama",
    "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga",
    "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa"))

_COUNTRIES = (
    Country("US", "United States", (
        _line1(), _line2(), _city(), _state("State", US_STATES),
        _postal("ZIP code", r"[0-9]{5}(-?[0-9]{4})?", "12345 or 12345-6789", "numeric"),
    ), re.compile(r"[0-9]{5}(-[0-9]{4})?"), _zip),
    Country("CA", "Canada", (
        _line1(), _line2(), _city(), _state("Province", CA_PROVINCES),
        _postal("Postal code", r"[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]", "K1A 0B1"),
    ), re.compile(r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] [0-9][ABCEGHJ-NPRSTV-Z][0-9]"),
        _outward_inward),
    Country("GB", "United Kingdom", (
        _line1(), _line2("Flat, building, etc. (optional)"), _city("Town or city"),
        _state("County (optional)", required=False),
        _postal("Postcode", r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", "SW1A 1AA"),
    ), re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}"), _outward_inward),
    Country("IE", "Ireland", (
        _line1(), _line2(), _city("Town or city"), _state("County", required=False),
        _postal("Eircode (optional)", r"[A-Za-z][0-9][0-9Ww] ?[0-9A-Za-z]{4}", "D02 X285",
                required=False),
    ), re.compile(r"(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}"), _eircode),
    Country("DE", "Germany", (
        _line1("Street and number"), _line2("Address line 2 (optional)"),
        _postal("PLZ", r"[0-9]{5}", "10115", "numeric"), _city("City (Ort)"),
    ), re.compile(r"[0-9]{5}"), _digits),
    Country("FR", "France", (
        _line1(), _line2("Address line 2 (optional)"),
        _postal("Postal code", r"[0-9]{5}", "75001", "numeric"), _city(),
    ), re.compile(r"[0-9]{5}"), _digits),
    Country("NL", "Netherlands", (
        _line1("Street and number"), _line2("Address line 2 (optional)"),
        _postal("Postcode", r"[0-9]{4} ?[A-Za-z]{2}", "1012 AB"), _city(),
    ), re.compile(r"[1-9][0-9]{3} [A-Z]{2}"), _dutch),
    Country("AU", "Australia", (
        _line1(), _line2(), _city("Suburb"), _state("State", AU_STATES),
        _postal("Postcode", r"[0-9]{4}", "2000", "numeric"),
    ), re.compile(r"[0-9]{4}"), _digits),
    Country("JP", "Japan", (
        _postal("Postal code", r"[0-9０-９]{3}[-ー−]?[0-9０-９]{4}", "100-0001", "numeric"),
        _state("Prefecture", JP_PREFECTURES), _city("City, ward, town"),
        _line1("Street address (chōme, banchi)"), _line2("Building, room (optional)"),
    ), re.compile(r"[0-9]{3}-[0-9]{4}"), _japanese),
)
COUNTRIES: dict[str, Country] = {country.code: country for country in _COUNTRIES}
# The name on the parcel comes first in every country.
NAME_FIELD = Field(NAME, "Full name", "name")


def country_name(code: str | None) -> str:
    country = COUNTRIES.get(code or "")
    return country.name if country else (code or "")


def chosen_country(form: Mapping) -> str | None:
    """The country code a form names (any case), or None."""
    value = form.get(COUNTRY)
    return value.strip().upper() or None if isinstance(value, str) else None


def form_fields(country: Country | None) -> tuple[Field, ...]:
    """The fields the address form shows for `country` (the name, then the country's own);
    None: the name alone, until a country is chosen."""
    return (NAME_FIELD, *(country.fields if country else ()))


def clean_address(form: Mapping, offered: tuple[str, ...]) -> tuple[dict | None, dict[str, str]]:
    """Read the posted address: ({"name", "address": Stripe's address}, {}) or (None, messages
    by field name). `offered`: the countries the order may ship to."""
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        value = form.get(name, "")
        value = value if isinstance(value, str) else ""
        value = _squeeze(value.replace("\x00", ""))
        if len(value) > MAX_LENGTH:
            errors[name] = f"That is too long: at most {MAX_LENGTH} characters"
        return value

    code = text(COUNTRY).upper()
    country = COUNTRIES.get(code)
    if not code:
        errors[COUNTRY] = "Choose the country we ship to"
    elif country is None or code not in offered:
        errors[COUNTRY] = "We do not ship there yet: choose one of the countries listed"
    name = text(NAME)
    if not name:
        errors[NAME] = "Enter the name for the parcel"
    if country is None:
        return None, errors
    address = dict.fromkeys(("line1", "line2", "city", "state", "postal_code"), None) | {
        "country": code}
    for each in country.fields:
        value = text(each.name)
        if each.name in errors:
            continue
        if not value:
            if each.required:
                errors[each.name] = f"Enter the {_lower(each.label)}" if not each.choices \
                    else f"Choose the {_lower(each.label)}"
            continue
        if each.choices:
            known = {key for key, _ in each.choices}
            match = next((key for key, label in each.choices
                          if value.upper() in (key.upper(), label.upper())), None)
            if match is None or match not in known:
                errors[each.name] = f"Choose the {_lower(each.label)} from the list"
                continue
            value = match
        if each.name == POSTAL_CODE:
            value = country.normalise(value)
            if country.postal_code is not None and not country.postal_code.fullmatch(value):
                errors[each.name] = f"Enter a valid {_lower(each.label)}, like {each.example}"
                continue
        address[STRIPE_FIELD[each.name]] = value
    if errors:
        return None, errors
    return {"name": name, "address": address}, {}


def _lower(label: str) -> str:
    label = label.removesuffix(" (optional)")
    # "ZIP code", "PLZ", "Eircode": an abbreviation or a name keeps its capitals.
    keep = label[:2].isupper() or label.startswith("Eircode")
    return label if keep else label[:1].lower() + label[1:]


def one_line(address: Mapping | None) -> str:
    """The address on one line, for a page or an email: "1 Main St, Ottawa ON K1A 0B1, Canada"."""
    if not address:
        return ""
    parts = [address.get("line1"), address.get("line2"),
             " ".join(filter(None, (address.get("city"), address.get("state"),
                                    address.get("postal_code"))))]
    parts.append(country_name(address.get("country")))
    return ", ".join(part for part in parts if part)
