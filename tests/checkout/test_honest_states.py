"""What a customer is told on the product page when a choice cannot be priced, and what Pay says:
never a total for something other than what is shown, the field at fault marked beside its
message, the Pay button naming the amount, hints priced for the options chosen. With and without
JavaScript: the page posted whole, and the price partial htmx swaps in."""
import re

from tests.helpers import open_checkout

HTMX = {"HX-Request": "true"}


def posted(client, slug, **fields):
    """The page as a browser without JavaScript gets it back after posting the form."""
    page = open_checkout(client, slug)
    response = client.post(f"/p/{slug}", data={"csrf_token": page["csrf_token"],
                                               "checkout_token": page["checkout_token"], **fields})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def partial(client, url):
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def tag(html, element_id):
    return re.search(rf'<(?:input|p|span)\b[^>]*\bid="{element_id}"[^>]*>', html).group(0)


def text_of(html, element_id):
    return re.sub(r"\s+", " ", re.search(
        rf'id="{element_id}"[^>]*>(.*?)</(?:p|span)>', html, re.S).group(1)).strip()


def test_a_quantity_over_the_limit_is_marked_and_no_total_is_shown(client):
    html = posted(client, "city-lights-poster", quantity="60")
    quantity = tag(html, "quantity")
    assert 'aria-invalid="true"' in quantity and "error-quantity" in quantity
    assert text_of(html, "error-quantity") == "Choose a quantity from 1 to 50"
    # Not the price of one poster next to a quantity of 60.
    assert "data-total" not in html and "$18.00" not in html.split('id="price"')[1]
    assert "No total yet" in html and 'href="#quantity">Choose a quantity from 1 to 50<' in html
    # Pay names no amount, and says why it waits, tied to the button.
    assert re.search(r'data-pay-button disabled aria-describedby="pay-reason">Pay<span id="pay-amount"></span>', html)
    assert text_of(html, "pay-reason") == "Fix the highlighted choice above to see your total."


def test_the_same_through_the_price_partial(client):
    html = partial(client, "/p/city-lights-poster?quantity=60")
    assert 'data-quote-ok="false"' in html and "data-total" not in html
    assert re.search(r'id="error-quantity" hx-swap-oob="true"[^>]*>Choose a quantity from 1 to 50<', html)
    assert re.search(r'<span id="pay-amount" hx-swap-oob="true"></span>', html)
    fixed = partial(client, "/p/city-lights-poster?quantity=6")
    assert re.search(r'id="error-quantity" hx-swap-oob="true"[^>]*></p>', fixed)


def test_pay_what_you_want_below_the_minimum_shows_no_other_total(client):
    for html in (posted(client, "field-notes-ebook", amount="3"),
                 partial(client, "/p/field-notes-ebook?amount=3")):
        price = html.split('id="price"')[1]
        assert "$10.00" not in price and "data-total" not in price  # not the default's total
        assert "The minimum is $5.00" in price
    page = posted(client, "field-notes-ebook", amount="3")
    assert 'aria-invalid="true"' in tag(page, "amount")
    assert 'aria-invalid' not in tag(posted(client, "field-notes-ebook", amount="7"), "amount")


def test_pay_names_the_amount_and_follows_the_price(client):
    html = client.get("/p/city-lights-poster").get_data(as_text=True)
    assert re.search(r'>Pay<span id="pay-amount"> \$18.00</span></button>', html)
    assert "Pay now" not in html
    assert text_of(html, "pay-reason") == "Enter your email and card details to pay."
    update = partial(client, "/p/city-lights-poster?quantity=2&addon=gift-tube")
    assert '<span id="pay-amount" hx-swap-oob="true"> $39.50</span>' in update


def test_the_volume_hint_is_priced_for_the_chosen_size(client):
    assert "5+ at $16.00 each; 10+ at $14.00 each" in text_of(
        client.get("/p/city-lights-poster").get_data(as_text=True), "quantity-hint")
    # A1 costs $8.00 more a poster, at every quantity.
    assert text_of(posted(client, "city-lights-poster", **{"option-size": "a1"}),
                   "quantity-hint") == "5+ at $24.00 each; 10+ at $22.00 each"
    update = partial(client, "/p/city-lights-poster?option-size=a3")
    assert re.search(r'id="quantity-hint" hx-swap-oob="true">\s*5\+ at \$12.00 each; 10\+ at \$10.00 each', update)
