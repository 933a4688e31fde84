"""Shipping: the zones the shop posts to, what a parcel costs there, and the quote with it.

Pure: no Flask, no database, no Stripe. A zone is a set of countries with one delivery estimate
(in business days) and one rate per currency: a flat amount per parcel, an amount per item, and
free shipping once the goods reach a threshold. Prices are never converted: an order in JPY
ships only to zones with a JPY rate, and the countries offered are theirs (`countries_for`).

An order ships once, whatever it holds: one parcel for its items that ship (a bag of a T-shirt
and an e-book posts the T-shirt), priced on their number and on what they cost before tips
(`charge`). Until the customer names a country the quote has a pending shipping line and no
amount is invented for it.

The catalog's TOML declares zones as top-level `[[shipping_zone]]` tables (catalog/demo.toml);
`zones_to_dict` / `zones_from_dict` keep them as plain JSON beside the products.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from storefront.catalog import addresses
from storefront.catalog.money import MAX_AMOUNT, check_currency, minor_step, over_stripe_limit
from storefront.catalog import pricing
from storefront.catalog.pricing import Quote

# Stripe Checkout takes at most this many shipping options, and a delivery estimate in these
# units; the shop's estimates are business days.
MAX_DAYS = 60


@dataclass(frozen=True)
class Rate:
    """What a parcel costs in one currency: `flat` + `per_item` × items, nothing at all once the
    goods cost `free_over` or more (None: never free)."""

    currency: str
    flat: int
    per_item: int = 0
    free_over: int | None = None

    def cost(self, items: int, goods: int) -> int:
        if self.free_over is not None and goods >= self.free_over:
            return 0
        return self.flat + self.per_item * items


@dataclass(frozen=True)
class Zone:
    key: str
    name: str  # "Canada", "UK and Europe"
    countries: tuple[str, ...]
    days: tuple[int, int]  # business days, fewest and most
    rates: tuple[Rate, ...]
    service: str = "Standard shipping"  # the rate's name, with the zone's: "Standard shipping, Canada"

    def rate(self, currency: str) -> Rate | None:
        return next((rate for rate in self.rates if rate.currency == currency), None)

    @property
    def display_name(self) -> str:
        """The rate's name as the order records it and Stripe's Checkout page shows it."""
        return f"{self.service}, {self.name}"


@dataclass(frozen=True)
class Shipping:
    """An order's shipping line: `country` None until the customer names one (then `amount`
    is 0 and means nothing yet)."""

    items: int  # the items that ship
    goods: int  # what they cost, before tips
    country: str | None = None
    zone: Zone | None = None
    amount: int = 0

    @property
    def pending(self) -> bool:
        return self.zone is None

    @property
    def country_name(self) -> str:
        return addresses.country_name(self.country)


def countries_for(zones: Sequence[Zone], currency: str) -> tuple[str, ...]:
    """The countries an order in `currency` can ship to, in the zones' order."""
    return tuple(country for zone in zones if zone.rate(currency) for country in zone.countries)


def zone_for(zones: Sequence[Zone], country: str, currency: str) -> Zone | None:
    return next((zone for zone in zones if country in zone.countries and zone.rate(currency)),
                None)


def charge(zones: Sequence[Zone], currency: str, items: int, goods: int,
           country: str | None) -> tuple[Shipping, str | None]:
    """The shipping line for `items` costing `goods` to `country` (None: not chosen yet), and a
    message when the order cannot ship there."""
    pending = Shipping(items, goods)
    if not country:
        return pending, None
    zone = zone_for(zones, country, currency)
    if zone is None:
        return pending, "We do not ship there yet: choose one of the countries listed"
    return Shipping(items, goods, country, zone, zone.rate(currency).cost(items, goods)), None


def with_shipping(quote: Quote, shipping: Shipping, problem: str | None = None) -> Quote:
    """`quote` with its shipping line: in the total once a country is chosen."""
    errors = dict(quote.errors)
    if problem:
        errors[addresses.COUNTRY] = problem
    total = quote.total + shipping.amount
    if not problem and (too_large := over_stripe_limit(total, quote.currency)):
        errors.setdefault("total", too_large)
    return replace(quote, total=total, shipping=shipping, errors=errors)


def quote_form(product, form: Mapping, zones: Sequence[Zone] | None):
    """The price of a product's checkout, wherever it is asked for (its page, its partial, pay):
    pricing.quote_form for the form's choices, paid the way the form says (a bank account may
    be discounted), and for a product that ships, one parcel of its units to the form's
    country by `zones`. (selection, quote)."""
    selection, quote = pricing.quote_form(product, form, pricing.priced_method(form))
    if not product.ships:
        return selection, quote
    units = quote.lines[0].quantity if quote.lines else 0
    shipping, problem = charge(zones, quote.currency, units, quote.subtotal,
                               addresses.chosen_country(form))
    return selection, with_shipping(quote, shipping, problem)


# ---------------------------------------------------------------------------------------------
# Reading and keeping zones


def zones_to_dict(zones: Sequence[Zone]) -> list[dict]:
    return [{"key": zone.key, "name": zone.name, "countries": list(zone.countries),
             "days": list(zone.days), "service": zone.service,
             "rates": [{"currency": rate.currency, "flat": rate.flat, "per_item": rate.per_item,
                        "free_over": rate.free_over} for rate in zone.rates]}
            for zone in zones]


def zones_from_dict(data: Sequence[Mapping] | None) -> tuple[Zone, ...]:
    return tuple(Zone(key=zone["key"], name=zone["name"], countries=tuple(zone["countries"]),
                      days=(zone["days"][0], zone["days"][1]), service=zone["service"],
                      rates=tuple(Rate(**rate) for rate in zone["rates"]))
                 for zone in data or ())


def check_zones(zones: Sequence[Zone]) -> None:
    """ValueError naming the zone and field of the first rule a catalog breaks."""
    seen: dict[str, str] = {}
    keys = set()
    for zone in zones:
        where = f"shipping_zone {zone.key!r}"
        if zone.key in keys:
            raise ValueError(f"{where}: key: each zone needs its own key")
        keys.add(zone.key)
        if not zone.countries:
            raise ValueError(f"{where}: countries: list at least one country")
        for country in zone.countries:
            if country not in addresses.COUNTRIES:
                raise ValueError(f"{where}: countries: the shop cannot address {country!r} yet; "
                                 f"it knows {', '.join(addresses.COUNTRIES)}")
            if country in seen:
                raise ValueError(f"{where}: countries: {country} is already in zone "
                                 f"{seen[country]!r}")
            seen[country] = zone.key
        low, high = zone.days
        if not (type(low) is int and type(high) is int and 1 <= low <= high <= MAX_DAYS):
            raise ValueError(f"{where}: business_days: give [fewest, most], whole days from 1 "
                             f"to {MAX_DAYS}")
        if not zone.rates:
            raise ValueError(f"{where}: rates: give a rate for at least one currency")
        currencies = [rate.currency for rate in zone.rates]
        if len(set(currencies)) != len(currencies):
            raise ValueError(f"{where}: rates: one rate per currency")
        for rate in zone.rates:
            check_currency(rate.currency)
            step = minor_step(rate.currency)
            for name in ("flat", "per_item", "free_over"):
                value = getattr(rate, name)
                if value is None and name == "free_over":
                    continue
                if type(value) is not int or not 0 <= value <= MAX_AMOUNT or value % step:
                    raise ValueError(f"{where}: rates.{rate.currency}.{name}: must be an amount "
                                     f"of zero or more")
