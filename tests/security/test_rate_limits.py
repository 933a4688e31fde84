"""Limits on abuse (storefront/web/limits.py): paying and re-pricing are counted per client; past the
limit the customer is told to wait, in the form the page asked for, and Stripe hears nothing."""
import pytest
from playwright.sync_api import expect

from tests.e2e.checkout_page import message, open_product, pay, wait_for_price
from tests.security.conftest import hidden_fields

LIMIT = "2 per minute"
WAIT = "Wait a minute, then try again."


@pytest.fixture
def app(make_app):
    return make_app(RATELIMIT_PAY=LIMIT, RATELIMIT_QUOTE=LIMIT)


def test_paying_is_limited_with_json_for_pay_js(client, page_fields, stripe_requests):
    form = page_fields() | {"email": "ada@example.com", "payment_method": "not-a-card"}
    json = {"Accept": "application/json"}
    for _ in range(2):
        assert client.post("/p/organic-tee/pay", data=form, headers=json).status_code == 400
    response = client.post("/p/organic-tee/pay", data=form, headers=json)
    assert response.status_code == 429
    assert response.get_json() == {
        "next": "retry",
        "message": "There were too many requests from your connection in a short time. "
                   f"{WAIT}",
    }
    # The window is a minute; a second may have passed since it opened.
    assert 59 <= int(response.headers["Retry-After"]) <= 60
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []


def test_confirming_after_3ds_is_limited_too(client, page_fields):
    token = page_fields()["csrf_token"]
    answers = [client.post("/orders/no-such-order/confirm", data={"csrf_token": token},
                           headers={"Accept": "application/json"}).status_code for _ in range(3)]
    assert answers == [404, 404, 429]


def test_an_htmx_re_price_by_post_is_limited_with_the_price_partial(client, page_fields):
    # A page loaded before the quote became a GET still posts it.
    headers = {"HX-Request": "true", "X-CSRFToken": page_fields()["csrf_token"]}
    for quantity in ("2", "3"):
        response = client.post("/p/organic-tee", data={"quantity": quantity}, headers=headers)
        assert response.status_code == 200
    response = client.post("/p/organic-tee", data={"quantity": "4"}, headers=headers)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert html.startswith('<section id="price"') and 'data-quote-ok="false"' in html
    assert WAIT in html


def test_the_price_partials_get_is_not_limited(client, page_fields):
    """It changes nothing and calls no one (limits.py); the POST beside it is still counted."""
    token = page_fields()["csrf_token"]
    answers = [client.get(f"/p/organic-tee?quantity={n}", headers={"HX-Request": "true"})
               for n in range(1, 6)]
    assert [answer.status_code for answer in answers] == [200] * 5
    assert "X-RateLimit-Remaining" not in answers[-1].headers
    posts = [client.post("/p/organic-tee", data={"csrf_token": token}) for _ in range(3)]
    assert [answer.status_code for answer in posts] == [200, 200, 429]


def test_the_no_javascript_form_gets_a_429_page(client, page_fields):
    token = page_fields()["csrf_token"]
    answers = [client.post("/p/organic-tee", data={"csrf_token": token}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    html = answers[-1].get_data(as_text=True)
    assert "<h1>Too many tries</h1>" in html and WAIT in html


def quotes(client, address, count, **headers):
    """Post `count` no-JavaScript re-prices from `address`; their status codes."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/p/organic-tee", environ_base=environ, headers=headers)
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return [client.post("/p/organic-tee", data={"csrf_token": token}, environ_base=environ,
                        headers=headers).status_code for _ in range(count)]


def test_limits_count_per_client_and_browsing_is_not_limited(app):
    assert quotes(app.test_client(), "127.0.0.1", 3) == [200, 200, 429]
    assert quotes(app.test_client(), "127.0.0.2", 3) == [200, 200, 429]
    client = app.test_client()
    assert all(client.get("/p/organic-tee").status_code == 200 for _ in range(5))


def test_a_forged_forwarded_for_does_not_dodge_the_limit(app):
    forged = [quotes(app.test_client(), "127.0.0.1", 1, **{"X-Forwarded-For": f"10.0.0.{n}"})[0]
              for n in range(3)]
    assert forged == [200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_client_counts(make_app):
    app = make_app(RATELIMIT_QUOTE=LIMIT, TRUSTED_PROXIES=1)
    proxy = "127.0.0.1"
    first = quotes(app.test_client(), proxy, 3, **{"X-Forwarded-For": "192.0.2.1"})
    assert first == [200, 200, 429]
    assert quotes(app.test_client(), proxy, 2, **{"X-Forwarded-For": "192.0.2.2"}) == [200, 200]


def test_production_keeps_counts_in_the_storage_it_is_given(monkeypatch, tmp_path):
    from storefront import create_app
    from tests.production import set_production_environment

    # Never connected to here: the client connects on first use.
    settings = set_production_environment(
        monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    app = create_app("production", **settings)
    [limiter] = app.extensions["limiter"]
    assert type(limiter.storage).__name__ == "RedisStorage"


@pytest.mark.e2e
def test_the_browser_re_prices_every_change_whatever_the_limit(page, shop):
    """Re-pricing in the browser is the price partial's GET, which is not limited: a customer
    who tries every colour and size is never told to wait."""
    open_product(page, shop, "organic-tee")
    for colour in ("Black", "Forest green", "Natural", "Black"):
        wait_for_price(page, lambda: page.get_by_label(colour).check())
        expect(page.locator("#price")).to_have_attribute("data-quote-ok", "true")
    expect(page.locator("#price")).not_to_contain_text("Too many tries")


@pytest.mark.e2e
def test_the_browser_shows_a_limited_payment_as_a_message(page, shop, stripe_requests):
    open_product(page, shop, "organic-tee")
    pay(page, "4000000000000002")  # declined
    expect(message(page)).to_have_text("Your card was declined. Please use another card.")
    for expected in ("Your card was declined. Please use another card.",
                     "There were too many requests from your connection in a short time. " + WAIT):
        page.locator("[data-pay-button]").click()
        expect(message(page)).to_have_text(expected)
    charges = [request for request in stripe_requests(method="POST")
               if request["path"].startswith("/v1/payment_intents")]
    assert len(charges) == 2, "the limited third try never reached Stripe"


def test_order_pages_that_may_ask_stripe_are_limited_per_client(make_app):
    """A receipt and the return from Stripe's page may ask Stripe about the order: one client
    walking through many of them is refused past the limit."""
    client = make_app(RATELIMIT_ORDER_PAGES=LIMIT).test_client()
    for path in ("/orders/no-such-order", "/orders/no-such-order/checkout/return?session_id=cs_test_x"):
        assert [client.get(path).status_code for _ in range(3)] == [404, 404, 429]
