"""Hostile input: whatever arrives, the shop answers with something a person can read, never a
500, and never charges for input it could not read.

The property tests post arbitrary forms, JSON and raw bodies to the quote and pay endpoints
through the Flask test client, with a real CSRF token so the views themselves answer. In tests
Flask re-raises any exception a view lets escape, so a 500 fails the test outright.
"""
import json
import string
from urllib.parse import quote as url_quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from storefront.catalog import products
from storefront.cli import load_products
from storefront.models import Order, Product
from storefront.web.extensions import db

JSON = {"Accept": "application/json"}
FIELDS = ["quantity", "option-size", "option-colour", "addon", "amount", "tip", "tip_custom",
          "suggested", "email", "payment_method", "expected_total", "checkout_token",
          "csrf_token"]
# Any text a form can carry: every script, control characters, NUL, right-to-left marks, emoji;
# not lone surrogates, which no browser can send as UTF-8.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBERS = st.integers(min_value=-10**30, max_value=10**30).map(str)
VALUES = st.one_of(TEXT, NUMBERS, st.sampled_from([
    "", " ", "0", "-1", "1e9", "NaN", "１２", "١٢", "0x10", "1_000", "12.5", "\x00", "\u202e1"]))
FORMS = st.lists(st.tuples(st.one_of(st.sampled_from(FIELDS), TEXT.filter(bool)), VALUES),
                 max_size=20).map(MultiDict)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)
RAW = st.tuples(st.binary(max_size=2000), st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "multipart/form-data", "text/plain", "application/octet-stream"]))
PROPERTY = settings(
    max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def app(make_app):
    # The limits are tested on their own; here they would only stand in front of the views.
    return make_app(RATELIMIT_ENABLED=False)


@pytest.fixture
def token(page_fields):
    return page_fields()["csrf_token"]


@pytest.fixture
def no_charge(stripe_requests):
    yield
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []


def post(client, path, token, body, **headers):
    """POST `body`: a MultiDict (a form), ("json", value), or (bytes, content type)."""
    headers = {"X-CSRFToken": token, **headers}
    if isinstance(body, MultiDict):
        return client.post(path, data=body, headers=headers)
    if body[0] == "json":
        return client.post(path, data=json.dumps(body[1]), content_type="application/json",
                           headers=headers)
    return client.post(path, data=body[0], content_type=body[1], headers=headers)


BODIES = st.one_of(FORMS, st.tuples(st.just("json"), JSON_VALUES), RAW)


@PROPERTY
@given(body=BODIES, htmx=st.booleans(),
       slug=st.sampled_from(["organic-tee", "field-notes-ebook", "letterpress-workshop"]))
def test_any_quote_gets_a_price_or_a_readable_refusal(client, token, no_charge, body, slug, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = post(client, f"/p/{slug}", token, body, **headers)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400), html  # 400: the CSRF token was overwritten
    # htmx gets the price area back, a browser without JavaScript a whole page.
    assert 'id="price"' in html if htmx else "<h1>" in html


NOT_IN_A_TOKEN = string.punctuation.replace("-", "").replace("_", "")
# Each makes a pay request invalid, whatever else it carries.
POISONS = st.one_of(
    st.fixed_dictionaries({"email": TEXT.filter(lambda text: "@" not in text)}),
    st.fixed_dictionaries({"payment_method": TEXT.filter(lambda text: not text.startswith("pm_"))}),
    st.fixed_dictionaries({"expected_total": TEXT.filter(
        lambda text: not text.strip().lstrip("+-").isdigit())}),
    st.fixed_dictionaries({"checkout_token": st.text(NOT_IN_A_TOKEN, max_size=80)}),
    st.fixed_dictionaries({"quantity": st.one_of(
        st.integers(max_value=0), st.integers(min_value=21)).map(str)}),
    st.fixed_dictionaries({"option-size": TEXT.filter(lambda text: text.strip() not in
                                                      ("", "s", "m", "l", "xl"))}),
)


@PROPERTY
@given(form=FORMS, poison=POISONS)
def test_an_invalid_payment_is_refused_with_400_and_never_charged(
        client, page_fields, no_charge, form, poison):
    valid = page_fields() | {"email": "ada@example.com", "payment_method": "pm_card_visa"}
    body = MultiDict(valid)
    for name, value in form.items(multi=True):
        body.add(name, value)
    for name, value in poison.items():
        body.setlist(name, [value])
    response = client.post("/p/organic-tee/pay", data=body, headers=JSON)
    assert response.status_code == 400, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["next"] in ("fix", "retry") and answer["message"].strip()


@PROPERTY
@given(body=st.one_of(st.tuples(st.just("json"), JSON_VALUES), RAW))
def test_a_payment_that_is_not_a_form_is_refused(client, token, no_charge, body):
    response = post(client, "/p/organic-tee/pay", token, body, **JSON)
    assert response.status_code == 400
    assert response.get_json()["message"].strip()


@PROPERTY
@given(public_id=TEXT.filter(lambda text: "/" not in text and text.strip()), body=BODIES)
def test_confirming_an_order_that_does_not_exist_is_a_404(
        client, token, no_charge, public_id, body):
    response = post(client, f"/orders/{url_quote(public_id, safe='')}/confirm", token, body, **JSON)
    # 400 when the body overwrote the CSRF token; otherwise the order is not found.
    assert response.status_code in (400, 404), response.get_data(as_text=True)
    assert response.get_json()["message"].strip()


# The messages a person sees for the usual mistakes and tricks.
@pytest.mark.parametrize("field, value, message", [
    ("quantity", "-3", "Enter a whole number, like 2"),
    ("quantity", "0", "Choose a quantity from 1 to 20"),
    ("quantity", "99999999999999999999", "Choose a quantity from 1 to 20"),
    ("quantity", "two", "Enter a whole number, like 2"),
    ("quantity", "2\x00", "Enter a whole number, like 2"),
    ("quantity", "1" * 101, "That is too long"),
    ("quantity", ["1", "2"], "Choose only one"),
    ("option-size", "xxl", "Choose one of: S, M, L, XL"),
    ("option-size", "<script>", "Choose one of: S, M, L, XL"),
    ("email", "not an email", "Enter a valid email address."),
    ("email", "\u202eada@example.com", "Enter a valid email address."),
    ("email", "a" * 250 + "@example.com", "Field cannot be longer than 254 characters."),
    ("payment_method", "4242424242424242", "Card details are missing."),
    ("payment_method", "pm_" + "x" * 300, "Card details are missing."),
    ("checkout_token", "", "Please reload the page."),
])
def test_bad_payment_fields_are_named_in_words(
        client, page_fields, no_charge, field, value, message):
    form = MultiDict(page_fields() | {"email": "ada@example.com", "payment_method": "pm_card_visa"})
    form.setlist(field, value if isinstance(value, list) else [value])
    response = client.post("/p/organic-tee/pay", data=form, headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {field: message}


@pytest.mark.parametrize("slug, form, field, message", [
    ("field-notes-ebook", {"amount": "-5"}, "amount", "Enter an amount of zero or more"),
    ("field-notes-ebook", {"amount": "1e9"}, "amount", "Enter an amount like 12.50"),
    ("field-notes-ebook", {"amount": "4.99"}, "amount", "The minimum is $5.00"),
    ("field-notes-ebook", {"amount": "5.001"}, "amount", "Use at most 2 decimals, like 12.50"),
    ("field-notes-ebook", {"amount": "300"}, "amount", "The most you can pay is $250.00"),
    ("field-notes-ebook", {"amount": "99999999999"}, "amount",
     "The most you can enter is $999,999.99"),
    ("letterpress-workshop", {"tip": "7"}, "tip", "Choose one of the tip options"),
    ("letterpress-workshop", {"tip": "custom", "tip_custom": "abc"}, "tip_custom",
     "Enter an amount like 12.50"),
])
def test_bad_amounts_on_the_live_quote_show_beside_the_field(
        client, token, slug, form, field, message):
    response = client.post(f"/p/{slug}", data=form | {"csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200  # the live quote shows errors in place, not a 400
    html = response.get_data(as_text=True)
    assert 'data-quote-ok="false"' in html
    assert (f'<p class="field__error" id="error-{field}" hx-swap-oob="true" '
            f'aria-live="polite">{message}</p>') in html


def test_unknown_products_are_404_in_every_form(client, token):
    assert client.get("/p/no-such-product").status_code == 404
    response = client.post("/p/no-such-product/pay", data={"csrf_token": token}, headers=JSON)
    assert response.status_code == 404 and response.get_json()["next"] == "retry"
    response = client.post("/p/no-such-product", data={"csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 404 and 'id="price"' in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [
    {"email": "x" * (65 * 1024)},  # one field over the limit
    MultiDict([("addon", "x" * 100)] * 700),  # many fields that add up
])
def test_oversized_bodies_get_a_readable_413(client, token, no_charge, body):
    response = client.post("/p/organic-tee/pay", data=body, headers=JSON | {"X-CSRFToken": token})
    assert response.status_code == 413
    assert response.get_json()["message"] == \
        "What was sent is larger than we accept (64 KB). Nothing was charged."
    page = client.post("/p/organic-tee", data=body, headers={"X-CSRFToken": token})
    assert page.status_code == 413 and "<h1>That was too much</h1>" in page.get_data(as_text=True)


HOSTILE_CATALOG = """
[[product]]
slug = "hostile"
name = "<script>alert('name')</script> & \\"Co\\""
description = "<img src=x onerror=alert('description')><b>bold</b>"
image = "img/poster.svg"
currency = "USD"
unit_price = "5.00"

[[product.options]]
key = "size"
label = "<script>alert('option')</script>"
default = "one"
choices = [{ key = "one", label = "<i onmouseover=alert('choice')>One</i>" }]
"""


def test_catalog_text_is_escaped_everywhere_it_shows(app, client, token):
    with app.app_context():
        load_products(products.load_catalog(HOSTILE_CATALOG))
    pages = [client.get("/").get_data(as_text=True),
             client.get("/p/hostile").get_data(as_text=True),
             client.post("/p/hostile", data={"csrf_token": token, "quantity": "1"},
                         headers={"HX-Request": "true"}).get_data(as_text=True)]
    with app.app_context():
        product = db.session.scalar(db.select(Product).filter_by(slug="hostile"))
        from storefront.catalog.pricing import quote_form
        selection, quote = quote_form(product, {})
        order = Order.for_quote(product, selection, quote, "ada@example.com", "t" * 20, "k")
        db.session.add(order)
        db.session.commit()
        public_id = order.public_id
    pages.append(client.get(f"/orders/{public_id}").get_data(as_text=True))
    for html in pages:
        for raw in ("<script>alert", "<img src=x", "<i onmouseover", "<b>bold"):
            assert raw not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; &#34;Co&#34;" in pages[1]
    assert all("&lt;script&gt;alert(&#39;name&#39;)" in html for html in pages)
