"""The bag as a shopper meets it: changes kept as they are made, compact lines whose totals add
up to the subtotal, the tip counted once, a quantity stepper that works without JavaScript, the
bag's count in the header of every page, and a message after adding."""
import re

from tests.checkout.test_bag import add, bag_page
from tests.helpers import bag_form

WORKSHOP, TEE = "letterpress-workshop", "organic-tee"


def dollars(text):
    return round(float(text.replace("$", "").replace(",", "")) * 100)


def test_a_change_on_the_bag_page_is_kept_after_leaving_and_coming_back(client):
    add(client, WORKSHOP)
    add(client, TEE)
    html = bag_page(client)
    form = bag_form(html)
    # A change on the page is priced by htmx's GET (cacheable) and kept by bag.js's POST.
    choose = re.search(r'<div class="checkout__choose"[^>]*>', html, re.S).group(0)
    assert 'hx-get="/bag"' in choose and 'data-keep-url="/bag/keep"' in choose
    lines = {name: value for name, value in form.items() if name.startswith("line-")} | {
        "line-0-quantity": "3", "line-1-option-size": "l"}
    # What bag.js sends on a change: the form, its CSRF token with it.
    assert client.post("/bag/keep", data=lines | {"csrf_token": form["csrf_token"]}).status_code == 204
    priced = client.get("/bag", query_string=lines, headers={"HX-Request": "true"})
    partial = priced.get_data(as_text=True)
    assert priced.status_code == 200 and 'id="price"' in partial and "<html" not in partial
    assert re.search(r'id="line-0-total"[^>]*hx-swap-oob="true"[^>]*>\$135\.00<', partial)  # the line's new total
    client.get("/")  # away, and back
    again = bag_form(bag_page(client), client)
    assert again["line-0-quantity"] == "3" and again["line-1-option-size"] == "l"
    assert again["expected_total"] == str(3 * 4500 + 2600 + 600)  # the T-shirt ships: $6.00


def test_each_line_is_compact_and_the_line_totals_add_up_to_the_subtotal_with_the_tip_once(client):
    add(client, WORKSHOP, quantity="2", tip="10", addon="materials-kit")
    add(client, TEE)
    html = bag_page(client)
    lines = re.findall(r'<section class="panel bag__line".*?</section>', html, re.S)
    assert len(lines) == 2
    workshop = lines[0]
    assert re.search(r'<img [^>]*src="/static/img/workshop\.svg', workshop)  # the product's image
    assert "Saturday 10:00–13:00 · Take-home materials kit · 10% tip" in workshop  # one line
    assert re.search(r"<details[^>]*>\s*<summary>Edit", workshop)  # the options, in place
    assert 'aria-label="One more Letterpress workshop ticket"' in workshop  # the stepper
    totals = [dollars(t) for t in re.findall(r"data-line-total[^>]*>([^<]+)<", html)]
    assert totals == [2 * (4500 + 1200), 2600]
    price = re.search(r'<section id="price".*?</section>', html, re.S).group(0)
    subtotal = dollars(re.search(r"data-subtotal>([^<]+)<", price).group(1))
    assert sum(totals) == subtotal == 14000
    assert "Tip for" not in price and price.count("$11.40") == 1  # 10% of $114.00, once
    assert dollars(re.search(r"data-total>([^<]+)<", price).group(1)) == subtotal + 1140


def test_the_quantity_stepper_works_without_javascript_and_is_kept(client):
    add(client, TEE)
    form = bag_form(bag_page(client), client)
    html = client.post("/bag", data=form | {"step": "line-0-quantity:1"}).get_data(as_text=True)
    assert bag_form(html)["line-0-quantity"] == "2"
    html = client.post("/bag", data=bag_form(html) | {"step": "line-0-quantity:1"}).get_data(as_text=True)
    assert bag_form(html)["line-0-quantity"] == "3"
    html = client.post("/bag", data=bag_form(html) | {"step": "line-0-quantity:-1"}).get_data(as_text=True)
    assert bag_form(html)["line-0-quantity"] == "2"
    assert bag_form(bag_page(client), client)["line-0-quantity"] == "2"


def test_the_header_counts_the_bag_on_every_page(client):
    assert 'aria-label="Your bag, 0 items"' in client.get("/").get_data(as_text=True)
    add(client, WORKSHOP)
    add(client, TEE)
    for path in ("/", f"/p/{TEE}", "/bag"):
        html = client.get(path).get_data(as_text=True)
        link = re.search(r'<a class="site-bag"[^>]*>.*?</a>', html, re.S).group(0)
        assert 'aria-label="Your bag, 2 items"' in link and "Bag <span" in link and "(2)" in link, path


def test_after_adding_the_page_says_so_with_a_link_to_the_bag(client):
    response = add(client, TEE)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    status = re.search(r'<div class="toast-region" role="status" aria-live="polite">(.*?)</div>', html, re.S)
    assert status and "Added Organic cotton T-shirt to your bag." in status.group(1)
    assert '<a href="/bag">View bag (1)</a>' in status.group(1)
    assert "Added Organic cotton T-shirt" not in client.get(f"/p/{TEE}").get_data(as_text=True)  # said once
