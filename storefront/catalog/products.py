"""The product catalog: a TOML file people edit, read into ProductSpecs the shop can price.

Amounts in the TOML file are in major units, as people write prices ("12.50", 12.5 or 12; ¥ as
500) and are converted exactly to minor units; an amount the currency cannot hold (1.5 JPY,
0.005 USD) is an error. See catalog/demo.toml for every field.

`rules_to_dict` / `rules_from_dict` turn PricingRules into plain JSON-able data (minor units)
and back, for storing beside a product in the database.
"""
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storefront.catalog import shipping
from storefront.catalog.money import AmountError, check_currency, parse_amount
from storefront.catalog.pricing import (
    AddOn,
    BankDiscount,
    Choice,
    OptionGroup,
    PayWhatYouWant,
    PricingRules,
    TipRules,
    VolumePrice,
)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A file under static/: plain names only, no "..", no hidden files, no absolute paths.
_STATIC_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
_URL = re.compile(r"https://[^\s\"'<>]+")
# A file in the downloads folder (DOWNLOADS_PATH): a plain name, no folders, nothing hidden.
_FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
# Checkout layouts, each a template in templates/checkout/layouts/ (docs/designers.md).
LAYOUTS = ("split", "single", "compact")
# Stripe's product tax codes (docs/tax.md): what Stripe Tax taxes a product as. Without one, a
# product is a tangible good.
GENERAL_GOODS_TAX_CODE = "txcd_99999999"
_TAX_CODE = re.compile(r"txcd_\d{8}")
# Ways the customer pays (CHECKOUT_MODE, docs/checkout-modes.md): card fields on the product
# page (Elements), Stripe's own page (hosted Checkout), or Stripe's page inside ours (embedded).
CHECKOUT_MODES = ("elements", "hosted", "embedded")


class CatalogError(ValueError):
    """The catalog is wrong; the message names the product and the field."""


class Catalog(list):
    """The products, in the file's order (a list of ProductSpec, as callers have always had it),
    and `zones`: the shipping zones its products ship to (shipping.py)."""

    def __init__(self, products=(), zones=()):
        super().__init__(products)
        self.zones: tuple[shipping.Zone, ...] = tuple(zones)


@dataclass(frozen=True)
class MakerSpec:
    """Someone whose products the shop sells for them, keeping `commission` percent."""

    slug: str
    name: str
    commission: int


@dataclass(frozen=True)
class DownloadSpec:
    """The files a buyer downloads once paid: the same for everyone, or chosen by one option's
    choice (the e-book's format). `files` pairs a choice key ("" without an option) with its
    file names in the downloads folder."""

    option: str | None
    files: tuple[tuple[str, tuple[str, ...]], ...]

    def files_for(self, choice: str | None) -> tuple[str, ...]:
        return dict(self.files).get("" if self.option is None else choice or "", ())

    def as_dict(self) -> dict:
        return {"option": self.option, "files": {key: list(names) for key, names in self.files}}

    @classmethod
    def from_dict(cls, data: Mapping) -> "DownloadSpec":
        return cls(data["option"], tuple((key, tuple(names)) for key, names in data["files"].items()))


@dataclass(frozen=True)
class Session:
    """When one choice of an event's option takes place, in the event's local time."""

    choice: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class EventSpec:
    """Where an event takes place and when each session (a choice of `option`) starts and ends,
    as wall-clock times in `timezone` (an IANA name): fixed dates, for the ticket's calendar file."""

    timezone: str
    location: str
    option: str
    sessions: tuple[Session, ...]

    def session(self, choice: str | None) -> Session | None:
        return next((s for s in self.sessions if s.choice == choice), None)

    def as_dict(self) -> dict:
        return {"timezone": self.timezone, "location": self.location, "option": self.option,
                "sessions": {s.choice: {"start": s.start.isoformat(), "end": s.end.isoformat()}
                             for s in self.sessions}}

    @classmethod
    def from_dict(cls, data: Mapping) -> "EventSpec":
        return cls(data["timezone"], data["location"], data["option"], tuple(
            Session(key, datetime.fromisoformat(times["start"]), datetime.fromisoformat(times["end"]))
            for key, times in data["sessions"].items()))


@dataclass(frozen=True)
class ProductSpec:
    slug: str  # in the product's URL
    name: str
    description: str
    image: str  # a path under static/ ("img/poster.svg") or an https:// URL
    rules: PricingRules
    layout: str | None = None  # one of LAYOUTS; None: the shop's CHECKOUT_LAYOUT
    checkout_mode: str | None = None  # one of CHECKOUT_MODES; None: the shop's CHECKOUT_MODE
    maker: MakerSpec | None = None  # None: the shop's own product
    ships: bool = False  # a thing to post: checkout asks for an address and charges shipping
    tax_code: str = GENERAL_GOODS_TAX_CODE  # Stripe Tax's product tax code
    download: DownloadSpec | None = None  # files the buyer downloads once paid
    event: EventSpec | None = None  # an event's sessions: the ticket's calendar file

    @property
    def currency(self) -> str:
        return self.rules.currency


def load_catalog(source: str | os.PathLike) -> Catalog:
    """Read a catalog from a file or from TOML text.

    A PathLike, or a one-line str ending in ".toml" (a path from configuration), names a file;
    any other str is the TOML text itself.
    """
    text = source
    if isinstance(source, os.PathLike) or ("\n" not in source and source.endswith(".toml")):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CatalogError(f"Cannot read the catalog {str(source)!r}: {error}") from None
    try:
        # Decimal, not float: "price = 12.10" must stay exactly 12.10.
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"The catalog is not valid TOML: {error}") from None
    catalog = _Table(data, "The catalog")
    makers = _makers(catalog)
    bank = _bank_discount(catalog)
    products = [_product(table, makers, bank) for table in catalog.tables("product")]
    zones = _zones(catalog)
    catalog.done()
    slugs = [product.slug for product in products]
    for slug in slugs:
        if slugs.count(slug) > 1:
            raise CatalogError(f"Product {slug!r} appears more than once")
    return Catalog(products, zones)


def _zones(catalog: "_Table") -> tuple[shipping.Zone, ...]:
    """The [[shipping_zone]] tables: each a set of countries, its delivery estimate and its
    rates, one per currency (in major units, as prices are)."""
    zones = []
    for table in catalog.tables("shipping_zone"):
        key = table.text("key", max_length=40)
        table.where, table.path = f"Shipping zone {key!r}", ""
        countries = table.get("countries")
        if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
            table.fail("countries", 'must be a list of two-letter country codes, like ["US"]')
        days = table.get("business_days")
        if not isinstance(days, list) or len(days) != 2:
            table.fail("business_days", "must be [fewest, most], like [3, 5]")
        rates = []
        for rate in table.tables("rates"):
            currency = rate.text("currency")
            try:
                check_currency(currency)
            except ValueError:
                rate.fail("currency", f"{currency!r} is not an upper-case ISO 4217 code like 'USD'")
            rates.append(shipping.Rate(currency, rate.amount("flat", currency),
                                       rate.amount("per_item", currency, required=False) or 0,
                                       rate.amount("free_over", currency, required=False)))
            rate.done()
        zone = shipping.Zone(key, table.text("name", max_length=80), tuple(countries),
                             (days[0], days[1]), tuple(rates),
                             table.text("service", required=False, max_length=60)
                             or "Standard shipping")
        table.done()
        zones.append(zone)
    try:
        shipping.check_zones(zones)
    except ValueError as error:
        raise CatalogError(str(error)) from None
    return tuple(zones)


def rules_to_dict(rules: PricingRules) -> dict:
    """PricingRules as plain dicts, lists, strings and integers (minor units), ready for JSON."""
    return _plain(rules)


def rules_from_dict(data: Mapping) -> PricingRules:
    """Rebuild PricingRules from `rules_to_dict` output; CatalogError if it does not fit."""
    try:
        pwyw, tip = data["pay_what_you_want"], data["tip"]
        return PricingRules(
            currency=data["currency"],
            unit_price=data["unit_price"],
            volume_prices=tuple(VolumePrice(**volume) for volume in data["volume_prices"]),
            pay_what_you_want=None if pwyw is None else PayWhatYouWant(
                **{**pwyw, "suggested": tuple(pwyw["suggested"])}),
            min_quantity=data["min_quantity"],
            max_quantity=data["max_quantity"],
            options=tuple(
                OptionGroup(**{**group, "choices": tuple(Choice(**c) for c in group["choices"])})
                for group in data["options"]
            ),
            addons=tuple(AddOn(**addon) for addon in data["addons"]),
            tip=None if tip is None else TipRules(
                **{**tip, "percentages": tuple(tip["percentages"])}),
            # Rules stored before the bank discount existed have none.
            bank_discount=BankDiscount(**bank) if (bank := data.get("bank_discount")) else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CatalogError(f"Stored pricing rules do not fit: {error!r}") from None


def _plain(value):
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _makers(catalog: "_Table") -> dict[str, MakerSpec]:
    """The [[maker]] tables, each keeping the catalog's default `commission` unless it names its own."""
    default = _percent(catalog, "commission", 0)
    makers = {}
    for table in catalog.tables("maker"):
        slug = table.text("slug", max_length=80)
        if not _SLUG.fullmatch(slug) or slug in makers:
            table.fail("slug", "use lower-case letters, digits and dashes, once per maker")
        makers[slug] = MakerSpec(slug, table.text("name", max_length=200),
                                 _percent(table, "commission", default))
        table.done()
    return makers


def _bank_discount(catalog: "_Table") -> dict[str, BankDiscount] | BankDiscount | None:
    """The catalog's [bank_discount]: one BankDiscount for a percentage (any currency), or one
    per currency for an amount, which only means something in its own currency."""
    table = catalog.table("bank_discount")
    if table is None:
        return None
    has_percent, has_amount = "percent" in table.data, "amount" in table.data
    if has_percent == has_amount:
        catalog.fail("bank_discount", 'give either percent = 2 or amount = { USD = "1.00" }')
    if has_percent:
        percent = table.integer("percent")
        if not 1 <= percent <= 99:
            table.fail("percent", "must be a whole percentage from 1 to 99")
        table.done()
        return BankDiscount(percent=percent)
    amounts = table.table("amount")
    if amounts is None or not amounts.data:
        table.fail("amount", 'must be a table of amounts by currency, like { USD = "1.00" }')
    found = {}
    for currency in list(amounts.data):
        try:
            check_currency(currency)
        except ValueError:
            amounts.fail(currency, "is not an upper-case ISO 4217 code like 'USD'")
        found[currency] = BankDiscount(amount=amounts.amount(currency, currency))
        if found[currency].amount == 0:
            amounts.fail(currency, "must be more than zero")
    table.done()
    return found


def _percent(table: "_Table", key: str, default: int) -> int:
    value = table.integer(key, default=default)
    if not 0 <= value <= 100:
        table.fail(key, "must be a whole percentage from 0 to 100")
    return value


def _product(table: "_Table", makers: dict[str, MakerSpec], bank) -> ProductSpec:
    # The lengths are the database columns' (models.Product), which PostgreSQL enforces.
    slug = table.text("slug", max_length=80)
    if not _SLUG.fullmatch(slug):
        table.fail("slug", "use lower-case letters, digits and dashes, like 'city-poster'")
    # From here on, messages name the product rather than its position in the file.
    table.where, table.path = f"Product {slug!r}", ""
    image = table.text("image", max_length=300)
    if image.startswith("static/"):
        table.fail("image", "give the path inside static/, like 'img/poster.svg'")
    if not (_STATIC_PATH.fullmatch(image) or _URL.fullmatch(image)):
        table.fail("image", "use a path under static/ like 'img/poster.svg', or an https:// URL")
    layout = table.get("layout")
    if layout is not None and layout not in LAYOUTS:
        table.fail("layout", f"{layout!r} is not a checkout layout: use one of {', '.join(LAYOUTS)}")
    checkout_mode = table.get("checkout_mode")
    if checkout_mode is not None and checkout_mode not in CHECKOUT_MODES:
        table.fail("checkout_mode", f"{checkout_mode!r} is not a checkout mode: use one of "
                   f"{', '.join(CHECKOUT_MODES)}")
    ships = table.get("ships", False)
    if not isinstance(ships, bool):
        table.fail("ships", "must be true (a thing to post) or false (nothing to post)")
    tax_code = table.get("tax_code", GENERAL_GOODS_TAX_CODE)
    if not isinstance(tax_code, str) or not _TAX_CODE.fullmatch(tax_code):
        table.fail("tax_code", f"{tax_code!r} is not a Stripe tax code like 'txcd_99999999'")
    maker = table.get("maker")
    if maker is not None and maker not in makers:
        table.fail("maker", f"{maker!r} is not one of the catalog's [[maker]] slugs")
    rules = _rules(table, bank)
    spec = ProductSpec(
        maker=makers.get(maker),
        slug=slug,
        name=table.text("name", max_length=200),
        description=table.text("description", required=False),
        image=image,
        rules=rules,
        layout=layout,
        checkout_mode=checkout_mode,
        ships=ships,
        tax_code=tax_code,
        download=_download(table, rules),
        event=_event(table, rules),
    )
    table.done()
    return spec


def _option_choices(table: "_Table", key: str, rules: PricingRules) -> list[str] | None:
    """The choice keys of the product's option `key` (None: no option named), or a CatalogError."""
    option = table.get(key)
    if option is None:
        return None
    group = next((group for group in rules.options if group.key == option), None)
    if group is None:
        table.fail(key, f"{option!r} is not one of the product's [[product.options]] keys")
    return [choice.key for choice in group.choices]


def _file_names(table: "_Table", key: str, names) -> tuple[str, ...]:
    if not isinstance(names, list) or not names or not all(
            isinstance(name, str) and _FILE_NAME.fullmatch(name) for name in names):
        table.fail(key, 'must be a list of file names in the downloads folder, like ["book.pdf"]')
    return tuple(names)


def _download(product: "_Table", rules: PricingRules) -> DownloadSpec | None:
    table = product.table("download")
    if table is None:
        return None
    choices = _option_choices(table, "option", rules)
    files = table.get("files")
    if choices is None:
        spec = DownloadSpec(None, (("", _file_names(table, "files", files)),))
    else:
        if not isinstance(files, dict) or sorted(files) != sorted(choices):
            table.fail("files", f"must name the files of each choice: {', '.join(choices)}")
        spec = DownloadSpec(table.data["option"], tuple(
            (choice, _file_names(table, f"files.{choice}", files[choice])) for choice in choices))
    table.done()
    return spec


def _event(product: "_Table", rules: PricingRules) -> EventSpec | None:
    table = product.table("event")
    if table is None:
        return None
    timezone = table.text("timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        table.fail("timezone", f"{timezone!r} is not a time zone name like 'America/New_York'")
    choices = _option_choices(table, "option", rules)
    if choices is None:
        table.fail("option", "must name the option whose choices are the sessions")
    sessions_table = table.table("sessions")
    if sessions_table is None or sorted(sessions_table.data) != sorted(choices):
        table.fail("sessions", f"must give the start and end of each choice: {', '.join(choices)}")
    sessions = []
    for choice in choices:
        times = sessions_table.table(choice)
        start, end = times.get("start"), times.get("end")
        # TOML's local date-times (2027-03-13T10:00:00): wall-clock times in `timezone`.
        for key, value in (("start", start), ("end", end)):
            if type(value) is not datetime or value.tzinfo is not None:
                times.fail(key, "must be a local date and time, like 2027-03-13T10:00:00")
        if end <= start:
            times.fail("end", "must be after the start")
        times.done()
        sessions.append(Session(choice, start, end))
    spec = EventSpec(timezone, table.text("location", max_length=300), table.data["option"],
                     tuple(sessions))
    table.done()
    return spec


def _rules(table: "_Table", bank=None) -> PricingRules:
    currency = table.text("currency")
    try:
        check_currency(currency)
    except ValueError:
        table.fail("currency", f"{currency!r} is not an upper-case ISO 4217 code like 'USD'")

    volume_prices = []
    for volume in table.tables("volume_prices"):
        volume_prices.append(VolumePrice(volume.integer("from_quantity"),
                                         volume.amount("unit_price", currency)))
        volume.done()

    pay_what_you_want = None
    if pwyw := table.table("pay_what_you_want"):
        pay_what_you_want = PayWhatYouWant(
            minimum=pwyw.amount("minimum", currency),
            suggested=tuple(pwyw.amounts("suggested", currency)),
            default=pwyw.amount("default", currency),
            maximum=pwyw.amount("maximum", currency, required=False),
        )
        pwyw.done()

    options = []
    for group in table.tables("options"):
        choices = []
        for choice in group.tables("choices"):
            choices.append(Choice(choice.text("key"), choice.text("label"),
                                  choice.amount("delta", currency, signed=True, required=False)
                                  or 0))
            choice.done()
        options.append(OptionGroup(group.text("key"), group.text("label"), tuple(choices),
                                   group.text("default")))
        group.done()

    addons = []
    for addon in table.tables("addons"):
        addons.append(AddOn(addon.text("key"), addon.text("label"),
                            addon.amount("price", currency), addon.text("per")))
        addon.done()

    tip = None
    if tip_table := table.table("tip"):
        percentages = tip_table.get("percentages", [])
        if not isinstance(percentages, list):
            tip_table.fail("percentages", "must be a list of whole numbers, like [10, 15, 20]")
        tip = TipRules(tuple(percentages), tip_table.get("custom", False))
        tip_table.done()

    try:
        return PricingRules(
            currency=currency,
            unit_price=table.amount("unit_price", currency, required=False),
            volume_prices=tuple(volume_prices),
            pay_what_you_want=pay_what_you_want,
            min_quantity=table.integer("min_quantity", default=1),
            max_quantity=table.integer("max_quantity", default=99),
            options=tuple(options),
            addons=tuple(addons),
            tip=tip,
            bank_discount=bank.get(currency) if isinstance(bank, dict) else bank,
        )
    except ValueError as error:
        raise CatalogError(f"{table.where}: {error}") from None


class _Table:
    """One TOML table being read: knows where it is, and which keys were never read (typos)."""

    def __init__(self, data, where: str, path: str = ""):
        self.data = data
        self.where = where
        self.path = path
        self.read: set[str] = set()

    def fail(self, key: str, message: str):
        raise CatalogError(f"{self.where}: {self.path}{key}: {message}")

    def get(self, key: str, default=None):
        self.read.add(key)
        return self.data.get(key, default)

    def done(self) -> None:
        for key in self.data.keys() - self.read:
            self.fail(key, "is not a field the catalog knows")

    def text(self, key: str, required: bool = True, max_length: int | None = None) -> str:
        value = self.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(key, "must be some text")
        if "\x00" in value:  # PostgreSQL text cannot hold it
            self.fail(key, "must not contain a NUL character")
        if max_length is not None and len(value.strip()) > max_length:
            self.fail(key, f"must be at most {max_length} characters")
        return value.strip()

    def integer(self, key: str, default: int | None = None) -> int:
        value = self.get(key, default)
        if type(value) is not int:
            self.fail(key, "must be a whole number")
        return value

    def amount(self, key: str, currency: str, signed: bool = False,
               required: bool = True) -> int | None:
        value = self.get(key)
        if value is None and not required:
            return None
        return self._amount(value, key, currency, signed)

    def amounts(self, key: str, currency: str) -> list[int]:
        values = self.get(key, [])
        if not isinstance(values, list):
            self.fail(key, 'must be a list of amounts, like ["5", "10"]')
        return [self._amount(value, key, currency, signed=False) for value in values]

    def _amount(self, value, key: str, currency: str, signed: bool) -> int:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.fail(key, 'must be an amount, like "12.50"')
        text = format(value, "f") if isinstance(value, Decimal) else str(value).strip()
        negative = signed and text.startswith("-")
        try:
            minor = parse_amount(text.removeprefix("-") if negative else text, currency)
        except AmountError as error:
            self.fail(key, f"{str(value)!r} is not a {currency} amount: {error}")
        return -minor if negative else minor

    def table(self, key: str) -> "_Table | None":
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
        return _Table(value, self.where, f"{self.path}{key}.")

    def tables(self, key: str) -> list["_Table"]:
        values = self.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
            self.fail(key, "must be a list of tables")
        return [_Table(value, self.where, f"{self.path}{key}[{number}].")
                for number, value in enumerate(values, 1)]
