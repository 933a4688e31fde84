"""The style guide: development only, and made of the shop's own templates."""
import re

import pytest
from markupsafe import escape

import config
from storefront import create_app
from storefront.models import Order
from storefront.payments import decisions
from storefront.styleguide import STATES
from storefront.web.extensions import db
from tests.production import set_production_environment


@pytest.fixture
def app_config():
    return {"STYLEGUIDE": True}


def test_only_development_has_it(monkeypatch):
    assert config.DevelopmentConfig.STYLEGUIDE is True
    assert config.TestingConfig.STYLEGUIDE is False
    assert config.ProductionConfig.STYLEGUIDE is False
    assert "styleguide" not in create_app("testing").blueprints
    keys = set_production_environment(monkeypatch)
    production = create_app("production", **keys)
    assert "styleguide" not in production.blueprints
    assert not any(rule.rule.startswith("/styleguide") for rule in production.url_map.iter_rules())
    with pytest.raises(config.ConfigError, match="development only"):
        create_app("production", STYLEGUIDE=True, **keys)


def checkout_form(html):
    """The checkout form, with the per-visit tokens (CSRF, checkout) blanked out."""
    form = re.search(r'<form id="checkout".*?</form>', html, re.S).group(0)
    return re.sub(r'name="(csrf_token|checkout_token)" value="[^"]*"', r'name="\1" value=""', form)


@pytest.mark.parametrize("layout", ["split", "single", "compact"])
def test_the_empty_state_is_the_shops_own_page(client, app, layout):
    app.config["CHECKOUT_LAYOUT"] = layout
    shop = client.get("/p/organic-tee").data.decode()
    guide = client.get(f"/styleguide/empty?product=organic-tee&layout={layout}").data.decode()
    assert checkout_form(guide) == checkout_form(shop)
    assert f"checkout--{layout}" in guide


def assert_scripts_may_run(page, policy):
    """Under the shop's CSP only scripts carrying this response's nonce run."""
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag


def test_every_state_renders(client):
    for state in STATES:
        response = client.get(f"/styleguide/{state.key}")
        assert response.status_code == 200, state.key
        page = response.data.decode()
        assert f'data-styleguide-state="{state.key}"' in page
        assert str(escape(state.how)) in page
        assert_scripts_may_run(page, response.headers["Content-Security-Policy"])
    index = client.get("/styleguide/")
    assert_scripts_may_run(index.data.decode(), index.headers["Content-Security-Policy"])
    assert client.get("/styleguide/nowhere").status_code == 404
    assert client.get("/styleguide/empty?product=nowhere").status_code == 404


def test_server_states_match_what_the_shop_sends(client, app):
    # The pay view answers a moved total with the price block and price_changed (HTTP 409).
    changed = client.get("/styleguide/price-changed?product=city-lights-poster").data.decode()
    assert '<p class="notice" role="alert">The price has changed to $18.00.' in changed
    declined = client.get("/styleguide/declined").data.decode()
    assert str(escape(decisions.DECLINE_MESSAGES["insufficient_funds"])) in declined
    success = client.get("/styleguide/success?product=ceramic-mug").data.decode()
    assert "Thank you! Your payment went through." in success and "¥2,800" in success
    with app.app_context():
        assert db.session.scalars(db.select(Order)).all() == []  # the sample order is never saved


def test_the_index_lists_states_layouts_and_every_token(client):
    page = client.get("/styleguide/").data.decode()
    for state in STATES:
        assert f"/styleguide/{state.key}" in page
    css = open("static/css/shop.css", encoding="utf-8").read()
    root = css[css.index(":root"):css.index("}")]
    tokens = re.findall(r"(--[\w-]+):", root)
    assert len(tokens) >= 12 and "--color-placeholder" in tokens
    for token in tokens:
        assert f"<code>{token}</code>" in page
