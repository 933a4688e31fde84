"""Shipping zones and rates: what a parcel costs, where, and how the catalog declares them."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.catalog import pricing
from storefront.catalog.products import CatalogError, load_catalog
from storefront.catalog.shipping import (
    Rate,
    Zone,
    charge,
    countries_for,
    quote_form,
    zones_from_dict,
    zones_to_dict,
)

DEMO = load_catalog("catalog/demo.toml")
POSTER = next(product for product in DEMO if product.slug == "city-lights-poster")
MUG = next(product for product in DEMO if product.slug == "ceramic-mug")


def test_the_demo_ships_to_five_zones_in_both_of_its_currencies():
    assert [zone.key for zone in DEMO.zones] == ["us", "ca", "uk-eu", "au", "jp"]
    assert countries_for(DEMO.zones, "USD") == ("US", "CA", "GB", "IE", "DE", "FR", "NL", "AU", "JP")
    assert countries_for(DEMO.zones, "JPY") == countries_for(DEMO.zones, "USD")
    assert countries_for(DEMO.zones, "EUR") == ()
    assert zones_from_dict(zones_to_dict(DEMO.zones)) == DEMO.zones


def test_a_poster_to_canada_costs_the_flat_rate_and_its_item():
    _, quote = pricing.quote_form(POSTER, {"quantity": "2"})
    _, shipped = quote_form(POSTER, {"quantity": "2", "ship_country": "CA"}, DEMO.zones)
    assert shipped.shipping.amount == 1200 + 2 * 200
    assert shipped.total == quote.total + 1600
    assert shipped.shipping.zone.days == (5, 8)
    assert shipped.errors == {}


def test_no_country_yet_is_a_pending_line_with_no_amount_invented():
    _, quote = pricing.quote_form(POSTER, {})
    _, shipped = quote_form(POSTER, {}, DEMO.zones)
    assert shipped.shipping.pending and shipped.total == quote.total and shipped.ok


def test_a_country_outside_the_zones_is_an_error_on_the_country():
    _, shipped = quote_form(POSTER, {"ship_country": "BR"}, DEMO.zones)
    assert shipped.errors == {"ship_country": "We do not ship there yet: choose one of the countries listed"}
    assert not shipped.ok


def test_the_mug_ships_in_yen():
    _, shipped = quote_form(MUG, {"quantity": "2", "ship_country": "JP"}, DEMO.zones)
    assert shipped.shipping.amount == 800 + 2 * 100 and shipped.currency == "JPY"
    _, many = quote_form(MUG, {"quantity": "4", "ship_country": "JP"}, DEMO.zones)  # ¥10,000 of mugs
    assert many.shipping.amount == 0  # free in Japan


def test_a_free_shipping_threshold_is_reached_by_the_goods_not_the_tip():
    _, quote = quote_form(POSTER, {"quantity": "4", "option-size": "a1", "ship_country": "US"}, DEMO.zones)
    assert quote.shipping.amount == 0  # 4 × $26 = $104 ≥ $75
    _, quote = quote_form(POSTER, {"quantity": "3", "ship_country": "US"}, DEMO.zones)  # $54
    assert quote.shipping.amount == 500 + 3 * 100
    # The mug takes tips: ¥8,400 of mugs and a ¥5,000 tip is over ¥10,000, and still charged.
    tipped = {"quantity": "3", "tip": "custom", "tip_custom": "5000", "ship_country": "JP"}
    _, quote = quote_form(MUG, tipped, DEMO.zones)
    assert quote.tip == 5000 and quote.shipping.amount == 800 + 3 * 100


rates = st.builds(Rate, st.just("USD"), st.integers(0, 5000), st.integers(0, 1000),
                  st.one_of(st.none(), st.integers(0, 50_000)))


@given(rates, st.integers(1, 100), st.integers(0, 100_000), st.integers(0, 100_000))
def test_more_goods_never_cost_more_shipping_once_free(rate, items, goods, more):
    if rate.free_over is not None and goods >= rate.free_over:
        assert rate.cost(items, goods) == 0
        assert rate.cost(items, goods + more) == 0


@given(rates, st.integers(1, 100), st.integers(0, 100), st.integers(0, 100_000))
def test_below_the_threshold_another_item_never_costs_less(rate, items, extra, goods):
    if rate.free_over is None or goods < rate.free_over:
        assert rate.cost(items + extra, goods) >= rate.cost(items, goods)
        assert rate.cost(items, goods) == rate.flat + rate.per_item * items


@given(st.sampled_from(["US", "CA", "GB", "DE", "AU", "JP", None, "XX"]), st.integers(1, 50),
       st.integers(0, 1_000_000))
def test_a_charge_is_pending_priced_or_refused(country, items, goods):
    shipping, problem = charge(DEMO.zones, "USD", items, goods, country)
    if country is None or problem:
        assert shipping.pending and shipping.amount == 0
        assert (problem is not None) == (country == "XX")
    else:
        assert shipping.country == country and country in shipping.zone.countries
        assert shipping.amount >= 0


ZONE = """
[[shipping_zone]]
key = "eu"
name = "Europe"
countries = {countries}
business_days = {days}
rates = [{{ currency = "EUR", flat = "4.50", per_item = "0.50", free_over = "50" }}]
"""


def test_a_zone_reads_its_rates_in_major_units():
    catalog = load_catalog(ZONE.format(countries='["DE", "FR"]', days="[2, 4]") + "\n")
    assert catalog.zones == (Zone("eu", "Europe", ("DE", "FR"), (2, 4),
                                  (Rate("EUR", 450, 50, 5000),)),)


@pytest.mark.parametrize("countries, days, message", [
    ('["DE", "ZZ"]', "[2, 4]", "the shop cannot address 'ZZ' yet"),
    ('["DE"]', "[4, 2]", "business_days: give [fewest, most]"),
    ('[]', "[2, 4]", "countries: list at least one country"),
])
def test_a_broken_zone_stops_the_load_with_its_name(countries, days, message):
    with pytest.raises(CatalogError, match=message.replace("[", r"\[")):
        load_catalog(ZONE.format(countries=countries, days=days) + "\n")


def test_a_country_is_in_one_zone_at_most():
    text = ZONE.format(countries='["DE"]', days="[2, 4]") + ZONE.replace('"eu"', '"eu2"').format(
        countries='["DE"]', days="[2, 4]")
    with pytest.raises(CatalogError, match="DE is already in zone 'eu'"):
        load_catalog(text + "\n")
