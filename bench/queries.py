"""SQL statements per request, counted with SQLAlchemy's engine events in an in-process shop on
the bench's database and local Stripe (the same code gunicorn runs, minus the sockets).

Each request is made for a small and a big selection of the same product (the workshop: the
demo's most options, add-ons and tip): a count that grows with the selection would be an N+1.
Comparing two products would compare what they are (a product that ships reads its zones at
pay), not their selections. tests/perf/test_queries.py asserts the exact counts.
"""
import re

from storefront import create_app
from storefront.web.extensions import db
from tests.perf.checkout_client import QUOTE_HEADERS, card_payment_method, page_tokens, quote_url
from tests.conftest import closing_client_class
from tests.helpers import US_ADDRESS
from tests.perf.sql import count_queries

PUBLISHABLE_KEY = "pk_test_local"
SELECTIONS = {
    "small": ("letterpress-workshop", {}),
    "big": ("letterpress-workshop", {"quantity": "6", "option-session": "thursday-evening",
                                     "addon": "materials-kit", "tip": "15"}),
}


def shop(database_url, stripe_url):
    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=database_url,
        STRIPE_SECRET_KEY="sk_test_local",
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_API_BASE=stripe_url,
        STRIPE_JS_URL=f"{stripe_url}/v3/",
    )


def measure(database_url, stripe_url):
    """{"product page": {"small": n, "big": n}, "quote partial": {…}, "pay": {…}}."""
    app = shop(database_url, stripe_url)
    with app.app_context():
        engine = db.engine
    # Each response read to its end, as a server sends it: the work the shop does once the
    # answer is out (the receipt, storefront/orders/outbox.py) is counted with the request. An
    # unread response never ran it, which made pay look 5 statements lighter than it is.
    app.test_client_class = closing_client_class()
    client = app.test_client()

    def count(request):
        with count_queries(engine) as statements:
            response = request()
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return len(statements), response

    counts = {"product page": {}, "quote partial": {}, "pay": {}}
    client.get("/")  # the process reads the catalog once (and again after each change)
    for size, (slug, selection) in SELECTIONS.items():
        counts["product page"][size], page = count(lambda: client.get(f"/p/{slug}"))
        if 'name="ship_country"' in page.get_data(as_text=True):  # posted: priced to a US address
            selection = selection | {"ship_country": US_ADDRESS["ship_country"]}
        form = page_tokens(page.get_data(as_text=True)) | selection | US_ADDRESS
        counts["quote partial"][size], partial = count(
            lambda: client.get(quote_url(slug, selection), headers=QUOTE_HEADERS))
        total = re.search(r'name="expected_total" value="(\d+)"', partial.get_data(as_text=True))
        form |= {"expected_total": total.group(1), "email": "bench@example.com",
                 "payment_method": card_payment_method(stripe_url, PUBLISHABLE_KEY)}
        counts["pay"][size], paid = count(lambda: client.post(f"/p/{slug}/pay", data=form))
        assert paid.json["next"] == "receipt", paid.json
    return counts
