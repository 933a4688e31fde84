"""The product page is the checkout page: the same form re-prices with and without htmx."""
import re

from tests.helpers import open_checkout


def total_in(html):
    return re.search(r"<td data-total>([^<]+)</td>", html).group(1)


def test_without_javascript_the_form_posts_and_the_page_reprices(client):
    page = open_checkout(client, "city-lights-poster")
    response = client.post("/p/city-lights-poster", data={
        "csrf_token": page["csrf_token"], "checkout_token": page["checkout_token"],
        "quantity": "10", "option-size": "a1", "addon": "gift-tube",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert total_in(html) == "$223.50"  # 10 × ($14 + $8) + $3.50 tube
    assert 'value="10"' in html and 'value="a1" checked' in html  # the choices stay made
    assert f'name="checkout_token" value="{page["checkout_token"]}"' in html


def test_a_suggested_amount_button_works_without_javascript(client):
    page = open_checkout(client, "field-notes-ebook")
    response = client.post("/p/field-notes-ebook", data={
        "csrf_token": page["csrf_token"], "amount": "10.00", "suggested": "25.00"})
    html = response.get_data(as_text=True)
    assert total_in(html) == "$25.00" and 'value="25.00"' in html


def test_htmx_gets_only_the_price_partial_with_field_errors_out_of_band(client):
    response = client.get("/p/field-notes-ebook?amount=2", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="price"' in html
    assert 'data-quote-ok="false"' in html
    assert re.search(r'id="error-amount" hx-swap-oob="true"[^>]*>The minimum is \$5.00<', html)


def test_catalog_load_command(app, tmp_path):
    catalog = tmp_path / "shop.toml"
    catalog.write_text('[[product]]\nslug = "card"\nname = "Card"\ndescription = ""\n'
                       'image = "img/poster.svg"\ncurrency = "EUR"\nunit_price = "3.00"\n')
    result = app.test_cli_runner().invoke(args=["catalog", "load", str(catalog)])
    assert result.exit_code == 0 and "Loaded 1 products" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(catalog.read_text().replace('"EUR"', '"JPY"').replace('"3.00"', '"1.5"'))
    result = app.test_cli_runner().invoke(args=["catalog", "load", str(bad)])
    assert result.exit_code != 0 and "JPY" in result.output


def test_a_url_with_a_nul_character_is_a_404(client):
    """PostgreSQL cannot look such text up; routing answers before the database is asked."""
    for url in ("/p/%00", "/p/poster%00", "/orders/%00"):
        assert client.get(url).status_code == 404
    assert client.post("/orders/a%00/confirm").status_code in (400, 404)  # CSRF may answer first
