"""SQL statements per request: a fixed number for each page, whatever the product or selection.

The counts are exact so that any change shows up here. When a change means a new number (pay
gaining a statement, say), update EXPECTED and say why in the commit.
"""
import re

import pytest

import config
from storefront.catalog import products
from storefront.models import Product
from storefront.web.extensions import db
from tests.perf.checkout_client import QUOTE_HEADERS, card_payment_method, page_tokens, quote_url
from tests.perf.sql import count_queries
from tests.helpers import bag_form, open_checkout

EXPECTED = {
    # The catalog revision (snapshot.py); the products come from the process's snapshot, which
    # costs one more statement at the first request after each catalog change.
    "product page": 1,
    "quote partial": 1,
    # Order, lease, payment attempt and settlement each commit, and SQLAlchemy re-reads what
    # a commit expired. After the response the receipt leaves the outbox (storefront/orders/outbox.py):
    # read the order, claim the try, re-read it, record it sent — where before the response
    # recorded the sending. The order's line (OrderLine) is one INSERT more, and reading which
    # makers its lines pay one SELECT more; an order with makers' lines adds, per maker, the
    # INSERT of their Transfer and reading it and the maker again after the commit (one enabled
    # meanwhile is paid now), and the commit makes the lease's release read the order again.
    # These makers are not onboarded: the transfers wait, and no Stripe call is made. A product
    # that ships reads the shipping zones as the database has them (one SELECT more).
    "pay": {"organic-tee": 29, "city-lights-poster": 33, "letterpress-workshop": 32},
    # The bag page reads the revision, and its session; the partial is a pure function of the
    # catalog and the lines' fields, like a product's.
    "bag page": 1,
    "bag partial": 1,
    # A product page's pay, with each line an INSERT; the products in one SELECT. Two lines:
    # one maker's; four lines: two makers'. PostgreSQL takes a flush's INSERTs of lines (and of
    # transfers) as one statement (SQLAlchemy's insertmanyvalues); SQLite one each. These bags
    # ship: the zones are one SELECT more.
    "bag pay": {2: {"sqlite": 34, "postgresql": 33}, 4: {"sqlite": 39, "postgresql": 35}},
}

SLUGS = [spec.slug for spec in products.load_catalog(config.Config.CATALOG_PATH)]
# The biggest selection the demo catalog has: more lines, options and add-ons than the default.
WORKSHOP = {"quantity": "6", "option-session": "thursday-evening", "addon": "materials-kit",
            "tip": "15"}


@pytest.fixture
def queries(app):
    with app.app_context():
        engine = db.engine

    def count(request):
        with count_queries(engine) as statements:
            response = request()
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return len(statements), response

    return count


@pytest.mark.parametrize("slug", SLUGS)
def test_product_page(client, queries, slug):
    client.get("/")  # this process reads the catalog once
    count, _ = queries(lambda: client.get(f"/p/{slug}"))
    assert count == EXPECTED["product page"]


def test_the_catalog_is_read_once_per_change(app, client, queries):
    # The revision, then the products and the shipping zones.
    assert queries(lambda: client.get("/"))[0] == 3
    assert queries(lambda: client.get("/"))[0] == 1
    with app.app_context():
        db.session.execute(db.select(Product).filter_by(slug=SLUGS[0])).scalar_one().name = "New"
        db.session.commit()
    assert queries(lambda: client.get("/"))[0] == 3
    assert queries(lambda: client.get("/"))[0] == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_quote_partial(client, queries, slug):
    client.get(f"/p/{slug}")
    count, _ = queries(lambda: client.get(quote_url(slug, {}), headers=QUOTE_HEADERS))
    assert count == EXPECTED["quote partial"]


def test_quote_partial_for_a_big_selection(client, queries):
    client.get("/p/letterpress-workshop")
    count, response = queries(lambda: client.get(
        quote_url("letterpress-workshop", WORKSHOP), headers=QUOTE_HEADERS))
    assert "6 × " in response.get_data(as_text=True)
    assert count == EXPECTED["quote partial"]


@pytest.mark.parametrize("slug, selection", [("city-lights-poster", {}), ("organic-tee", {}),
                                             ("letterpress-workshop", WORKSHOP)])
def test_pay(client, queries, local_stripe, app, slug, selection):
    form = open_checkout(client, slug) | selection  # a US address for a product that ships
    priced = selection | ({"ship_country": "US"} if "ship_country" in form else {})
    partial = client.get(quote_url(slug, priced), headers=QUOTE_HEADERS).get_data(as_text=True)
    form |= {
        "expected_total": re.search(r'name="expected_total" value="(\d+)"', partial).group(1),
        "email": "ada@example.com",
        "payment_method": card_payment_method(local_stripe.url, app.config["STRIPE_PUBLISHABLE_KEY"]),
    }
    count, response = queries(lambda: client.post(f"/p/{slug}/pay", data=form))
    assert response.json["next"] == "receipt"
    assert count == EXPECTED["pay"][slug]


def test_a_product_page_after_paying_by_card_is_still_one_statement(client, queries, local_stripe, app):
    """Only a browser with a bank payment under way asks whether an order waits for its
    microdeposits (checkout/receipts.py); a customer who paid by card has none."""
    form = open_checkout(client, "city-lights-poster")
    partial = client.get(quote_url("city-lights-poster", {"ship_country": "US"}),
                         headers=QUOTE_HEADERS).get_data(as_text=True)
    form |= {
        "expected_total": re.search(r'name="expected_total" value="(\d+)"', partial).group(1),
        "email": "ada@example.com",
        "payment_method": card_payment_method(local_stripe.url, app.config["STRIPE_PUBLISHABLE_KEY"]),
    }
    assert client.post("/p/city-lights-poster/pay", data=form).json["next"] == "receipt"
    count, _ = queries(lambda: client.get("/p/letterpress-workshop"))
    assert count == EXPECTED["product page"]


BAG = [("city-lights-poster", {"quantity": "2"}), ("organic-tee", {}),
       ("letterpress-workshop", WORKSHOP), ("organic-tee", {"quantity": "3"})]


def fill_bag(client, lines):
    for slug, selection in lines:
        token = page_tokens(client.get(f"/p/{slug}").get_data(as_text=True))["csrf_token"]
        assert client.post(f"/p/{slug}/add", data={"csrf_token": token, **selection}).status_code == 303


def bag_fields(client):
    return bag_form(client.get("/bag").get_data(as_text=True), client)


@pytest.mark.parametrize("size", [2, 4])
def test_bag_pages_and_pay(client, queries, local_stripe, app, size):
    fill_bag(client, BAG[:size])
    assert queries(lambda: client.get("/bag"))[0] == EXPECTED["bag page"]
    fields = bag_fields(client)
    args = {name: value for name, value in fields.items() if name.startswith("line-")}
    count, _ = queries(lambda: client.get("/bag", query_string=args, headers=QUOTE_HEADERS))
    assert count == EXPECTED["bag partial"]
    form = fields | {"email": "ada@example.com", "payment_method": card_payment_method(
        local_stripe.url, app.config["STRIPE_PUBLISHABLE_KEY"])}
    count, response = queries(lambda: client.post("/bag/pay", data=form))
    assert response.json["next"] == "receipt"
    with app.app_context():
        dialect = db.engine.dialect.name
    assert count == EXPECTED["bag pay"][size][dialect]
