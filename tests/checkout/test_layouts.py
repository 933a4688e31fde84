"""Which checkout layout a product page renders: the catalog's, else CHECKOUT_LAYOUT."""
import pytest

from config import ConfigError
from storefront import create_app
from storefront.catalog.products import LAYOUTS
from storefront.web import ROOT


def test_products_without_a_layout_take_the_configured_default(client, app):
    assert b"checkout--split" in client.get("/p/organic-tee").data  # CHECKOUT_LAYOUT = "split"
    app.config["CHECKOUT_LAYOUT"] = "compact"
    page = client.get("/p/organic-tee").data.decode()
    assert "checkout--compact" in page and "card-row--compact" in page
    # A layout in the catalog wins over the default: the demo e-book uses the one card Element.
    page = client.get("/p/field-notes-ebook").data.decode()
    assert 'data-stripe-element="card"' in page and 'data-stripe-element="cardNumber"' not in page


def test_an_unknown_default_layout_stops_the_app():
    with pytest.raises(ConfigError, match="CHECKOUT_LAYOUT must be one of split, single, compact"):
        create_app("testing", CHECKOUT_LAYOUT="grid")


def test_every_layout_has_a_template():
    assert sorted(p.stem for p in (ROOT / "templates/checkout/layouts").glob("*.html")) == sorted(LAYOUTS)
