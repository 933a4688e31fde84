"""Every integer the shop reads from a URL, a query string or a form is range-checked: an id
beyond what the database holds is a 404 in a path and a 400 in a query, never a 500 (on
PostgreSQL such an id would overflow its integer column). Runs on SQLite and, through
scripts/with-postgres.sh, on PostgreSQL.

In tests Flask re-raises any exception a view lets escape, so a 500 fails the test outright."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.web.routing import DB_INT_MAX
from tests.admin.helpers import add_order, csrf_token, log_in
from tests.helpers import open_checkout

EDGES = [0, 1, DB_INT_MAX, DB_INT_MAX + 1, 2**63 - 1, 2**63, 2**64, 10**20, 99999999999999999999]
NUMBERS = st.one_of(st.sampled_from(EDGES), st.integers(min_value=-10**30, max_value=10**30))
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def app(make_app):
    return make_app(RATELIMIT_ENABLED=False)


@pytest.fixture
def admin_client(app, client):
    from storefront.admin import accounts
    from storefront.web.extensions import db

    with app.app_context():
        accounts.create_admin("owner@example.com", "correct horse battery staple")
        add_order(status="paid")
        db.session.commit()
    assert log_in(client).status_code == 302
    return client


def in_range(number):
    return 0 <= number <= DB_INT_MAX


@pytest.mark.parametrize("url", ["/admin/orders/99999999999999999999",
                                 "/admin/orders?after=99999999999999999999",
                                 "/admin/orders?before=99999999999999999999"])
def test_the_reported_urls_are_refused_not_a_500(admin_client, url):
    assert admin_client.get(url).status_code in (400, 404)


@PROPERTY
@given(number=NUMBERS)
def test_admin_paths_with_an_id(admin_client, number):
    for path in (f"/admin/orders/{number}", f"/admin/orders/{number}/payment"):
        status = admin_client.get(path).status_code
        if not in_range(number):
            assert status == 404, path
        else:
            assert status in (200, 404), path
    token = csrf_token(admin_client.get("/admin/orders/1").get_data(as_text=True))
    status = admin_client.post(f"/admin/orders/{number}/refunds",
                               data={"csrf_token": token, "full": "y"}).status_code
    assert status == 404 if number != 1 else status in (200, 409)


@PROPERTY
@given(number=NUMBERS, name=st.sampled_from(["after", "before"]))
def test_admin_page_cursors(admin_client, number, name):
    status = admin_client.get(f"/admin/orders?{name}={number}").status_code
    assert status == (200 if in_range(number) else 400)


@PROPERTY
@given(number=NUMBERS, path=st.sampled_from(["/admin/orders", "/admin/orders.csv"]))
def test_admin_filters_and_search(admin_client, number, path):
    for query in (f"product={number}", f"q=%23{number}", f"q={number}"):
        status = admin_client.get(f"{path}?{query}").status_code
        assert status in (200, 400), f"{path}?{query}"


@PROPERTY
@given(number=NUMBERS, field=st.sampled_from(["quantity", "tip", "tip_custom", "amount"]))
def test_shop_forms_with_an_integer(client, number, field):
    page = open_checkout(client, "city-lights-poster")
    quote = client.post("/p/city-lights-poster", data={**page, field: str(number)})
    assert quote.status_code in (200, 400, 422)
    paid = client.post("/p/city-lights-poster/pay", data={
        **page, "expected_total": str(number), "email": "ada@example.com",
        "payment_method": "pm_card_visa"}, headers={"Accept": "application/json"})
    assert paid.status_code < 500
