"""The headers every answer carries: a CSP that lets only Stripe and this response's own scripts
run, and the rest (storefront/web/headers.py)."""
import re

import pytest

import config as shop_config
from storefront import create_app
from storefront.web.headers import content_security_policy
from tests.production import set_production_environment


def csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def nonce_of(policy):
    [nonce] = [s for s in policy["script-src"] if s.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


# Stripe.js's legacy train and a release's (https://docs.stripe.com/sdks/stripejs-versioning):
# one origin, so one policy.
STRIPE_JS_PATHS = pytest.mark.parametrize("path", ["v3/", "dahlia/stripe.js"])


@STRIPE_JS_PATHS
def test_real_stripe_origins_are_the_default(path):
    sources = shop_config.stripe_csp_sources(
        {"STRIPE_JS_URL": f"https://js.stripe.com/{path}", "STRIPE_API_BASE": None})
    assert sources == {
        "script-src": ("https://js.stripe.com", "https://*.js.stripe.com"),
        "frame-src": ("https://js.stripe.com", "https://*.js.stripe.com",
                      "https://hooks.stripe.com", "https://checkout.stripe.com"),
        "connect-src": ("https://api.stripe.com",),
        "form-action": ("https://checkout.stripe.com",
                        "https://connect.stripe.com"),  # Checkout; a maker's onboarding
    }


@STRIPE_JS_PATHS
def test_a_local_stripe_is_one_origin_for_scripts_frames_and_calls(path):
    local = "http://127.0.0.1:12111"
    sources = shop_config.stripe_csp_sources(
        {"STRIPE_JS_URL": f"{local}/{path}", "STRIPE_API_BASE": local})
    assert sources == {"script-src": ("http://127.0.0.1:12111",),
                       "frame-src": ("http://127.0.0.1:12111",),
                       "connect-src": ("http://127.0.0.1:12111",),
                       "form-action": ("http://127.0.0.1:12111",)}


def test_production_policy_allows_exactly_stripes_documented_origins():
    policy = content_security_policy(
        {"STRIPE_JS_URL": shop_config.ProductionConfig.STRIPE_JS_URL, "STRIPE_API_BASE": None})
    assert policy["script-src"] == ("https://js.stripe.com", "https://*.js.stripe.com")
    # Stripe Checkout: embedded frames its page, hosted is reached by a form's redirect; the
    # admin's onboarding form for a maker redirects to the Account Link on connect.stripe.com.
    assert policy["frame-src"] == ("https://js.stripe.com", "https://*.js.stripe.com",
                                   "https://hooks.stripe.com", "https://checkout.stripe.com")
    assert policy["form-action"] == ("'self'", "https://checkout.stripe.com",
                                     "https://connect.stripe.com")
    assert policy["connect-src"] == ("'self'", "https://api.stripe.com")
    assert policy["frame-ancestors"] == "'none'"


def test_the_product_page_policy(client, local_stripe):
    response = client.get("/p/organic-tee")
    policy = csp(response)
    stripe = local_stripe.url
    assert policy["script-src"] == [stripe, f"'nonce-{nonce_of(policy)}'"]
    assert policy["frame-src"] == [stripe]
    assert policy["connect-src"] == ["'self'", stripe]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    # Forms post to the shop; the admin's onboarding form leads on to Stripe's onboarding page.
    assert policy["form-action"] == ["'self'", stripe]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_every_script_tag_carries_this_responses_nonce(client):
    first, second = client.get("/p/organic-tee"), client.get("/p/organic-tee")
    nonces = {nonce_of(csp(first)), nonce_of(csp(second))}
    assert len(nonces) == 2, "a new nonce for every response"
    assert all(len(nonce) >= 22 for nonce in nonces)  # 128 bits or more
    html = first.get_data(as_text=True)
    executable = re.findall(r"<script(?![^>]*application/json)[^>]*>", html)
    assert len(executable) >= 5  # Stripe.js, htmx, and the page's three modules
    assert all(f'nonce="{nonce_of(csp(first))}"' in tag for tag in executable), executable
    # The Stripe config is a data block, never run: it needs no nonce.
    assert '<script type="application/json" id="stripe-config">' in html


def test_the_price_partial_has_the_policy_without_a_nonce(client):
    """It holds no script: a nonce would only make it differ between responses."""
    page = csp(client.get("/p/organic-tee"))
    partial = csp(client.get("/p/organic-tee?quantity=2", headers={"HX-Request": "true"}))
    assert partial["script-src"] == [s for s in page["script-src"] if not s.startswith("'nonce-")]
    assert {k: v for k, v in partial.items() if k != "script-src"} == \
        {k: v for k, v in page.items() if k != "script-src"}


def test_htmx_is_configured_for_the_policy(client):
    html = client.get("/").get_data(as_text=True)
    [config] = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config


@pytest.mark.parametrize("path, method", [
    ("/", "get"), ("/p/organic-tee", "get"), ("/no-such-page", "get"),
    ("/p/organic-tee", "post"),  # refused: no CSRF token
])
def test_other_security_headers_on_every_answer(client, path, method):
    response = getattr(client, method)(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "'nonce-" in response.headers["Content-Security-Policy"]
    # Development and tests are plain http: no HSTS, no redirect, no Secure cookie.
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers.get("Set-Cookie", "")


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The shop as production configures it (environment set, real Stripe origins)."""
    settings = set_production_environment(
        monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
        STRIPE_SECRET_KEY="sk_test_production_check",
        STRIPE_PUBLISHABLE_KEY="pk_test_production_check")
    return create_app("production", **settings)


def test_production_sends_everyone_to_https_and_sends_hsts(production):
    client = production.test_client()
    response = client.get("/", base_url="http://shop.test")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://shop.test/")

    response = client.get("/no-such-page", base_url="https://shop.test")
    assert response.status_code == 404
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31556926")
    policy = csp(response)
    assert policy["script-src"][:2] == ["https://js.stripe.com", "https://*.js.stripe.com"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://*.js.stripe.com",
                                   "https://hooks.stripe.com", "https://checkout.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com",
                                     "https://connect.stripe.com"]


def test_production_session_cookie_is_secure(production):
    @production.get("/_test/session")
    def touch_session():
        from flask import session

        session["seen"] = True
        return "ok"

    response = production.test_client().get("/_test/session", base_url="https://shop.test")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_price_partials_are_https_only_and_carry_hsts(production):
    """The partial is answered in front of the app once the app has answered one for the
    scheme: plain http must still be sent to https, and https answers keep every header."""
    from storefront.catalog import products
    from storefront.cli import load_products
    from storefront.web.extensions import db

    with production.app_context():
        db.create_all()
        load_products(products.load_catalog(production.config["CATALOG_PATH"]))
    client = production.test_client()
    partial = "/p/organic-tee?quantity=2"
    for _ in range(2):  # the app's answer, then the layer's
        response = client.get(partial, base_url="https://shop.test", headers={"HX-Request": "true"})
        assert response.status_code == 200 and 'id="price"' in response.get_data(as_text=True)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31556926")
        assert response.headers["X-Frame-Options"] == "DENY"
        plain = client.get(partial, base_url="http://shop.test", headers={"HX-Request": "true"})
        assert plain.status_code == 302
        assert plain.headers["Location"] == f"https://shop.test{partial}"


@pytest.mark.parametrize("proxies, forwarded", [
    (1, "javascript"),  # a scheme nobody knows, through ProxyFix: http, so sent to https
    (1, "HTTP"),
    (0, "https"),  # no trusted proxy: a client's own word for https is not taken
])
def test_an_unknown_or_untrusted_forwarded_scheme_is_sent_to_https(monkeypatch, tmp_path, proxies,
                                                                   forwarded):
    settings = set_production_environment(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}")
    client = create_app("production", **settings, TRUSTED_PROXIES=proxies).test_client()
    response = client.get("/no-such-page", base_url="http://shop.test",
                          headers={"X-Forwarded-Proto": forwarded})
    assert response.status_code == 302  # not the page, served over plain http
    assert response.headers["Location"] == "https://shop.test/no-such-page"


def test_a_trusted_proxys_https_is_believed(monkeypatch, tmp_path):
    settings = set_production_environment(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}")
    client = create_app("production", **settings, TRUSTED_PROXIES=1).test_client()
    response = client.get("/no-such-page", base_url="http://shop.test",
                          headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 404
