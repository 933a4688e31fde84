"""The bag's price partial gets what the product's has (storefront/checkout/price_partial.py): a
GET of /bag with the lines' fields, the same for every customer, an ETag and a 304, the memo,
and the layer in front of the app; the change itself is kept by its own POST (/bag/keep)."""
import re

from flask import request_started

from storefront.checkout.price_partial import partials
from storefront.models import Product
from storefront.web.extensions import db
from tests.checkout.test_bag import add, bag_page
from tests.helpers import bag_form

HTMX = {"HX-Request": "true"}
LINES = "line-0-product=city-lights-poster&line-0-quantity=2&line-1-product=organic-tee&line-1-option-size=l"


def test_the_bags_partial_is_the_same_for_everyone_cacheable_and_a_304_once_kept(app, client):
    add(client, "city-lights-poster")  # a customer with a session and a bag
    mine = client.get(f"/bag?{LINES}", headers=HTMX)
    anyone = app.test_client().get(f"/bag?{LINES}", headers=HTMX)
    assert mine.status_code == 200 and mine.get_data() == anyone.get_data()
    html = mine.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="price"') and "<td data-total>$62.00</td>" in html
    etag = mine.headers["ETag"]
    assert etag == anyone.headers["ETag"] and etag.startswith('W/"')
    assert mine.headers["Cache-Control"] == "public, no-cache" and "Set-Cookie" not in mine.headers
    assert "HX-Request" in mine.headers["Vary"]
    again = client.get(f"/bag?{LINES}", headers=HTMX | {"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # The same lines in another order of fields are the same partial; a product's is not.
    reordered = "&".join(reversed(LINES.split("&")))
    assert client.get(f"/bag?{reordered}", headers=HTMX | {"If-None-Match": etag}).status_code == 304
    other = client.get(f"/bag?{LINES.replace('quantity=2', 'quantity=3')}", headers=HTMX)
    assert other.headers["ETag"] != etag and "<td data-total>$80.00</td>" in other.get_data(as_text=True)
    poster = client.get("/p/city-lights-poster?quantity=2", headers=HTMX)
    assert poster.headers["ETag"] != etag


def test_the_layer_answers_the_bags_partial_as_the_app_does_from_the_memo(make_app):
    warm = make_app()
    warm_client = warm.test_client()
    warm_client.get("/p/city-lights-poster", headers=HTMX)  # the app answers; the layer learns
    reached_the_app = []
    request_started.connect(lambda sender, **extra: reached_the_app.append(1), warm, weak=False)
    for url in (f"/bag?{LINES}", "/bag?line-0-product=field-notes-ebook&line-0-amount=2"):
        for encoding in ("gzip, br", "identity"):
            headers = HTMX | {"Accept-Encoding": encoding}
            from_the_app = make_app().test_client().get(url, headers=headers)  # a new process
            from_the_layer = warm_client.get(url, headers=headers)
            assert from_the_layer.status_code == from_the_app.status_code == 200
            assert from_the_layer.get_data() == from_the_app.get_data(), url
            assert from_the_layer.headers["ETag"] == from_the_app.headers["ETag"]
            assert from_the_layer.headers.get("Content-Encoding") == from_the_app.headers.get("Content-Encoding")
    assert reached_the_app == []
    memo = partials(warm).rendered.cache_info()
    warm_client.get(f"/bag?{LINES}", headers=HTMX | {"Accept-Encoding": "gzip, br"})
    assert partials(warm).rendered.cache_info().hits == memo.hits + 1  # rendered once, kept


def test_a_change_on_the_bag_page_is_kept_by_its_own_post(client):
    add(client, "city-lights-poster")
    add(client, "organic-tee")
    form = bag_form(bag_page(client))
    assert client.post("/bag/keep", data=form | {"line-0-quantity": "3"}).status_code == 204
    assert bag_form(bag_page(client))["line-0-quantity"] == "3"  # kept: the page shows it
    # Without the page's CSRF token nothing is kept.
    del form["csrf_token"]
    assert client.post("/bag/keep", data=form | {"line-0-quantity": "5"}).status_code == 400
    assert bag_form(bag_page(client))["line-0-quantity"] == "3"


def price_rows(html):
    """The price block's rows, one per line: what the customer reads in "Your order"."""
    return re.findall(r'<tr data-bag-price=.*?</tr>', html, re.S)


def test_a_change_to_one_line_makes_that_line_alone_again_and_every_line_reads_as_the_page_does(
        app, client):
    """A bag's lines are priced and rendered once each (price_partial.Partials.bag_lines): the
    partial after a change to the first line shows the second as before, and both as the bag
    page, which renders every line afresh, shows them."""
    lines = partials(app).bag_lines
    first = client.get(f"/bag?{LINES}", headers=HTMX).get_data(as_text=True)
    before = lines.cache_info()
    changed = client.get(f"/bag?{LINES.replace('quantity=2', 'quantity=3')}",
                         headers=HTMX).get_data(as_text=True)
    assert lines.cache_info().misses == before.misses + 1  # the poster's line alone
    assert price_rows(changed)[1] == price_rows(first)[1]  # the tee's row, as before
    assert "3 × City Lights poster" in price_rows(changed)[0]
    assert 'id="line-0-total" data-line-total hx-swap-oob="true">$54.00</p>' in changed
    assert 'id="line-1-total" data-line-total hx-swap-oob="true">$26.00</p>' in changed
    add(client, "city-lights-poster", quantity="3")
    add(client, "organic-tee", **{"option-size": "l"})
    assert [" ".join(row.split()) for row in price_rows(bag_page(client))] == [
        " ".join(row.split()) for row in price_rows(changed)]


def test_a_renamed_product_is_shown_by_the_next_partial_though_its_line_did_not_change(app, client):
    client.get(f"/bag?{LINES}", headers=HTMX)
    with app.app_context():
        db.session.execute(db.select(Product).filter_by(slug="organic-tee")).scalar_one().name = "Organic tee, 2027"
        db.session.commit()
    html = client.get(f"/bag?{LINES.replace('quantity=2', 'quantity=4')}", headers=HTMX).get_data(as_text=True)
    assert "Organic tee, 2027" in price_rows(html)[1]


def test_a_tip_typed_changes_the_tip_the_summary_and_the_total_and_the_line_as_it_stands(client):
    """A line whose tip alone changed keeps its price row and its total (bag.Goods: the same
    goods, rendered once); what the tip changes is new in each answer, and a change to the
    goods after it is seen at once."""
    workshop = ("line-0-product=letterpress-workshop&line-0-option-session=saturday-morning"
                "&line-0-tip=custom&line-1-product=city-lights-poster")
    answers = {tip: client.get(f"/bag?{workshop}&line-0-tip_custom={tip}", headers=HTMX)
               .get_data(as_text=True) for tip in ("3.25", "4.10")}
    for tip, html in answers.items():
        assert f"<td data-tip>${tip}</td>" in html
        assert f"Saturday 10:00–13:00 · ${tip} tip</p>" in html
        assert f"<td data-total>${63 + float(tip):.2f}</td>" in html
        assert 'id="line-0-total" data-line-total hx-swap-oob="true">$45.00</p>' in html
    assert price_rows(answers["3.25"]) == price_rows(answers["4.10"])
    two = client.get(f"/bag?{workshop}&line-0-tip_custom=4.10&line-0-quantity=2",
                     headers=HTMX).get_data(as_text=True)
    assert 'id="line-0-total" data-line-total hx-swap-oob="true">$90.00</p>' in two
    assert "2 × Letterpress workshop ticket" in price_rows(two)[0]
    assert "<td data-total>$112.10</td>" in two
