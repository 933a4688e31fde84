"""Each country's address rules: which fields, what they are called, how a postal code looks and
how it is written once accepted."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.catalog.addresses import COUNTRIES, clean_address, form_fields, one_line

OFFERED = tuple(COUNTRIES)
BASE = {"ship_name": "Ada Lovelace", "ship_line1": "1 Main Street", "ship_city": "Somewhere"}


def clean(country, **fields):
    return clean_address({**BASE, "ship_country": country, **fields}, OFFERED)


@pytest.mark.parametrize("country, state, typed, written", [
    ("US", "NY", "10001", "10001"),
    ("US", "CA", "941031234", "94103-1234"),
    ("CA", "ON", "k1a0b1", "K1A 0B1"),
    ("CA", "quebec", " h2x 1y4 ", "H2X 1Y4"),
    ("GB", "", "sw1a1aa", "SW1A 1AA"),
    ("GB", "Kent", "ct1 2ab", "CT1 2AB"),
    ("AU", "NSW", "2000", "2000"),
    ("DE", "", "10115", "10115"),
    ("JP", "Tokyo", "1000001", "100-0001"),
    ("JP", "osaka", "５３０−０００１", "530-0001"),
    ("NL", "", "1012ab", "1012 AB"),
    ("IE", "", "d02x285", "D02 X285"),
])
def test_a_good_address_is_written_the_posts_way(country, state, typed, written):
    address, errors = clean(country, ship_state=state, ship_postal_code=typed)
    assert errors == {}
    assert address["address"]["postal_code"] == written
    assert address["address"]["country"] == country
    assert address["name"] == "Ada Lovelace"
    if state and country in ("US", "CA", "AU", "JP"):  # a list: Stripe's code, or the Latin name
        chosen = address["address"]["state"]
        field = COUNTRIES[country].field("ship_state")
        assert chosen in {key for key, _ in field.choices}


@pytest.mark.parametrize("country, state, typed, message", [
    ("US", "NY", "1234", "Enter a valid ZIP code, like 12345 or 12345-6789"),
    ("CA", "ON", "K1A 0B", "Enter a valid postal code, like K1A 0B1"),
    ("CA", "ON", "D1A 0B1", "Enter a valid postal code, like K1A 0B1"),  # no D in Canada's first letter
    ("GB", "", "SW1A", "Enter a valid postcode, like SW1A 1AA"),
    ("AU", "VIC", "30000", "Enter a valid postcode, like 2000"),
    ("DE", "", "1011", "Enter a valid PLZ, like 10115"),
    ("JP", "Tokyo", "100-001", "Enter a valid postal code, like 100-0001"),
])
def test_a_postal_code_of_the_wrong_shape_is_refused_by_name(country, state, typed, message):
    address, errors = clean(country, ship_state=state, ship_postal_code=typed)
    assert address is None
    assert errors == {"ship_postal_code": message}


@pytest.mark.parametrize("country, label", [("US", "State"), ("CA", "Province"),
                                            ("AU", "State"), ("JP", "Prefecture")])
def test_a_country_with_states_needs_one_from_its_list(country, label):
    postal = COUNTRIES[country].field("ship_postal_code").example.split(" or ")[0]
    assert clean(country, ship_postal_code=postal)[1] == {
        "ship_state": f"Choose the {label.lower()}"}
    assert clean(country, ship_state="Atlantis", ship_postal_code=postal)[1] == {
        "ship_state": f"Choose the {label.lower()} from the list"}


def test_each_country_names_its_fields_its_own_way():
    labels = {code: {field.name: field.label for field in form_fields(country)}
              for code, country in COUNTRIES.items()}
    assert labels["US"]["ship_postal_code"] == "ZIP code"
    assert labels["CA"]["ship_postal_code"] == "Postal code"
    assert labels["GB"]["ship_postal_code"] == "Postcode"
    assert labels["DE"]["ship_postal_code"] == "PLZ"
    assert labels["GB"]["ship_state"] == "County (optional)"
    assert labels["CA"]["ship_state"] == "Province"
    assert labels["JP"]["ship_state"] == "Prefecture"
    assert "ship_state" not in labels["DE"]  # Germany's post needs no Land
    # Japan writes from the largest place down: postal code, prefecture, city, street.
    assert [f.name for f in form_fields(COUNTRIES["JP"])][1:4] == [
        "ship_postal_code", "ship_state", "ship_city"]
    every = [field for country in COUNTRIES.values() for field in form_fields(country)]
    assert all(field.autocomplete for field in every)


def test_an_address_needs_a_country_offered_and_a_name():
    assert clean_address({**BASE}, OFFERED)[1] == {"ship_country": "Choose the country we ship to"}
    _, errors = clean_address({**BASE, "ship_country": "FR", "ship_postal_code": "75001"}, ("US",))
    assert errors["ship_country"] == "We do not ship there yet: choose one of the countries listed"
    _, errors = clean("DE", ship_name="  ", ship_postal_code="10115")
    assert errors == {"ship_name": "Enter the name for the parcel"}


def test_the_address_on_one_line():
    address, _ = clean("CA", ship_state="ON", ship_postal_code="K1A0B1", ship_city="Ottawa")
    assert one_line(address["address"]) == "1 Main Street, Ottawa ON K1A 0B1, Canada"


@given(st.dictionaries(st.sampled_from(["ship_name", "ship_line1", "ship_line2", "ship_city",
                                        "ship_state", "ship_postal_code", "ship_country"]),
                       st.one_of(st.text(max_size=300), st.integers(), st.none())))
def test_any_form_gives_an_address_or_messages_never_an_exception(form):
    address, errors = clean_address(form, OFFERED)
    assert (address is None) == bool(errors)
    if address is not None:
        assert address["address"]["country"] in OFFERED
        assert all(value is None or len(value) <= 200 for value in address["address"].values())
