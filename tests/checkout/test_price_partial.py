"""The price partial is a GET of the product page's URL with the selection: the same for every
customer, so browsers and HTTP caches may keep it and ask again with its ETag; a catalog change
reaches it at once, and paying always prices from the database."""
import re

import pytest
from flask import request_started
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import text, update
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from storefront.catalog import pricing, products
from storefront.checkout.bag import line_fields
from storefront.checkout.price_partial import (
    Form,
    canonical,
    line_selections,
    query_fields,
    selection_form,
)
from storefront.cli import load_products
from storefront.models import Product
from storefront.web.extensions import db
from tests.helpers import card, open_checkout, pay

HTMX = {"HX-Request": "true"}
POSTER = "/p/city-lights-poster"
TEN_A1_TUBE = "quantity=10&option-size=a1&addon=gift-tube"
WORKSHOP = "letterpress-workshop"


def total_in(html):
    return re.search(r"<td data-total>([^<]+)</td>", html).group(1)


def set_poster_price(app, price):
    """Change the poster's price as `flask catalog load` does: through the ORM."""
    specs = products.load_catalog(app.config["CATALOG_PATH"])
    with app.app_context():
        load_products([replace_price(spec, price) if spec.slug == "city-lights-poster" else spec
                       for spec in specs])


def replace_price(spec, price):
    from dataclasses import replace

    return replace(spec, rules=replace(spec.rules, unit_price=price))


def test_htmx_gets_the_partial_for_the_selection_in_the_url(client):
    response = client.get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="price"') and "<html" not in html
    assert total_in(html) == "$223.50"  # 10 × ($14 + $8) + $3.50 tube
    # Every field's error line comes along, out of band, so old errors are cleared.
    assert re.search(r'id="error-quantity" hx-swap-oob="true"[^>]*></p>', html)


def test_the_partial_is_the_same_for_everyone_and_cacheable(app, client):
    open_checkout(client, "city-lights-poster")  # a customer with a session and CSRF token
    mine = client.get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX)
    anyone = app.test_client().get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX)
    assert mine.get_data() == anyone.get_data()
    assert mine.headers["ETag"] == anyone.headers["ETag"]
    assert mine.headers["ETag"].startswith('W/"')
    assert mine.headers["Cache-Control"] == "public, no-cache"
    vary = {value.strip() for value in mine.headers["Vary"].split(",")}
    assert "HX-Request" in vary and "Cookie" not in vary
    assert "Set-Cookie" not in mine.headers  # a cache must never hand on a session


def test_a_browser_that_has_the_partial_gets_a_304(client):
    first = client.get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX)
    etag = first.headers["ETag"]
    again = client.get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX | {"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    # The order of the fields is no different selection; another quantity is.
    reordered = client.get(f"{POSTER}?addon=gift-tube&option-size=a1&quantity=10",
                           headers=HTMX | {"If-None-Match": etag})
    assert reordered.status_code == 304
    other = client.get(f"{POSTER}?quantity=9&option-size=a1&addon=gift-tube",
                       headers=HTMX | {"If-None-Match": etag})
    assert other.status_code == 200 and total_in(other.get_data(as_text=True)) == "$219.50"  # under 10: no volume price
    assert other.headers["ETag"] != etag


def test_a_suggested_amount_and_the_same_amount_typed_share_an_etag(client):
    """A suggested amount's button stands for the amount: the partial a browser already has for
    $10.00 typed answers the button for $10.00 with a 304 (the key's name comes from the code
    one way and from the query the other; both are the same text)."""
    typed = client.get("/p/field-notes-ebook?amount=10.00", headers=HTMX)
    assert typed.status_code == 200 and total_in(typed.get_data(as_text=True)) == "$10.00"
    pressed = client.get("/p/field-notes-ebook?suggested=10.00",
                         headers=HTMX | {"If-None-Match": typed.headers["ETag"]})
    assert pressed.status_code == 304


def test_without_javascript_the_same_url_shows_the_whole_page(client):
    response = client.get(f"{POSTER}?{TEN_A1_TUBE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert total_in(html) == "$223.50"
    assert 'value="10"' in html and 'value="a1" checked' in html
    assert 'name="csrf_token"' in html  # the page is this customer's: never the partial's cache
    assert "HX-Request" in response.headers["Vary"]
    assert "public" not in response.headers.get("Cache-Control", "")


def test_a_catalog_change_reaches_the_quote_at_once(app, client):
    before = client.get(f"{POSTER}?quantity=1", headers=HTMX)
    assert total_in(before.get_data(as_text=True)) == "$18.00"
    set_poster_price(app, 2000)
    after = client.get(f"{POSTER}?quantity=1", headers=HTMX | {"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "the old ETag no longer matches"
    assert total_in(after.get_data(as_text=True)) == "$20.00"
    # Loading the same catalog again changes nothing, so what browsers hold stays good.
    set_poster_price(app, 2000)
    same = client.get(f"{POSTER}?quantity=1", headers=HTMX | {"If-None-Match": after.headers["ETag"]})
    assert same.status_code == 304


def test_a_change_made_by_another_instance_reaches_this_one(make_app, client):
    assert total_in(client.get(POSTER, headers=HTMX).get_data(as_text=True)) == "$18.00"
    other_host = make_app()  # another gunicorn instance on the same database
    set_poster_price(other_host, 2500)
    assert total_in(client.get(POSTER, headers=HTMX).get_data(as_text=True)) == "$25.00"
    assert total_in(client.get(POSTER).get_data(as_text=True)) == "$25.00"


@pytest.mark.parametrize("change", ["through the ORM", "behind the snapshot's back"])
def test_a_price_changed_after_the_quote_is_never_charged(
        app, client, stripe_client, stripe_requests, orders, change):
    page = open_checkout(client, "city-lights-poster")
    quoted = client.get(f"{POSTER}?quantity=1", headers=HTMX).get_data(as_text=True)
    # The page's total ships it to the US ($6.00); the partial without a country has none yet.
    assert total_in(quoted) == "$18.00" and page["expected_total"] == "2400"
    if change == "through the ORM":
        set_poster_price(app, 2000)
    else:
        # A hand-made UPDATE that does not bump the revision: this process's snapshot is now
        # stale, and the quote still says $18.00. Paying must not believe it.
        [poster] = [spec for spec in products.load_catalog(app.config["CATALOG_PATH"])
                    if spec.slug == "city-lights-poster"]
        table = Product.__table__
        with app.app_context():
            db.session.execute(update(table).where(table.c.slug == poster.slug).values(
                rules=products.rules_to_dict(replace_price(poster, 2000).rules)))
            db.session.commit()
        assert total_in(client.get(POSTER, headers=HTMX).get_data(as_text=True)) == "$18.00"
    response = pay(client, "city-lights-poster", page, card(stripe_client))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The price has changed to $26.00. Nothing was charged" in html
    assert stripe_requests(method="POST", path="/v1/payment_intents") == []
    assert orders() == []


def answer(response):
    return response.status_code, sorted(response.headers.items()), response.get_data()


def test_the_layer_in_front_answers_exactly_as_the_app(make_app):
    """After a process's first partial, the partial is answered in front of the app
    (price_partial.Layer) with the app's headers: for every selection, the same answer the app
    gives, compressed or not, and the same 304."""
    warm = make_app()
    warm_client = warm.test_client()
    warm_client.get(POSTER, headers=HTMX)  # the app answers; the layer learns its headers
    reached_the_app = []
    request_started.connect(lambda sender, **extra: reached_the_app.append(1), warm, weak=False)
    cases = [(f"{POSTER}?{TEN_A1_TUBE}", HTMX | {"Accept-Encoding": "gzip, br, zstd"}),
             (f"{POSTER}?quantity=3", HTMX | {"Accept-Encoding": "gzip"}),
             ("/p/field-notes-ebook?amount=2", HTMX),  # errors beside the fields, uncompressed
             ("/p/field-notes-ebook?amount=10&suggested=25.00", HTMX),
             # zstd answers one after another: the layer's compressor, kept, writes each as new
             (f"{POSTER}?quantity=4", HTMX | {"Accept-Encoding": "zstd"}),
             (f"/bag?line-0-product=city-lights-poster&line-0-quantity=2&line-1-product={WORKSHOP}"
              "&line-1-tip=custom&line-1-tip_custom=3.25", HTMX | {"Accept-Encoding": "zstd"})]
    for url, headers in cases:
        from_the_app = make_app().test_client().get(url, headers=headers)  # a new process
        from_the_layer = warm_client.get(url, headers=headers)
        assert answer(from_the_layer) == answer(from_the_app), url
        not_modified = warm_client.get(url, headers=headers | {
            "If-None-Match": from_the_app.headers["ETag"]})
        assert answer(not_modified) == answer(make_app().test_client().get(url, headers=headers | {
            "If-None-Match": from_the_app.headers["ETag"]}))
        assert not_modified.status_code == 304
    assert reached_the_app == []
    # What the layer does not know, the app answers: here its 404 for htmx.
    missing = warm_client.get("/p/no-such-thing?quantity=2", headers=HTMX)
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    assert reached_the_app == [1]


def test_when_the_layer_fails_the_app_answers(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # as in production: the error page
    client = app.test_client()
    client.get(POSTER, headers=HTMX)
    with app.app_context():  # the database loses its catalog_revision table
        db.session.execute(text("ALTER TABLE catalog_revision RENAME TO catalog_revision_gone"))
        db.session.commit()
    try:
        response = client.get(f"{POSTER}?quantity=2", headers=HTMX)
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.get_data(as_text=True)
        assert "The price partial's layer failed" in caplog.text
    finally:
        with app.app_context():
            db.session.execute(text("ALTER TABLE catalog_revision_gone RENAME TO catalog_revision"))
            db.session.commit()


def test_an_app_that_checks_the_host_answers_every_partial_itself(make_app):
    client = make_app(TRUSTED_HOSTS=["shop.test"]).test_client()
    for _ in range(2):
        assert client.get(POSTER, base_url="http://shop.test", headers=HTMX).status_code == 200
        assert client.get(POSTER, base_url="http://elsewhere.test", headers=HTMX).status_code == 400


def test_each_process_keeps_at_most_quote_memo_size_partials(make_app):
    """Custom tips make endless new selections: the memo of rendered partials stays bounded."""
    from storefront.checkout.price_partial import partials

    app = make_app(QUOTE_MEMO_SIZE=3)
    client = app.test_client()
    for cents in range(10):
        response = client.get(f"/p/letterpress-workshop?tip=custom&tip_custom=1.{cents:02d}",
                              headers=HTMX)
        assert response.status_code == 200
    memo = partials(app).rendered.cache_info()
    assert (memo.currsize, memo.maxsize) == (3, 3)


# Accept-Encoding as the client sends it → the Content-Encoding it must get (None: none).
CODINGS = {
    "gzip;q=0": None,  # "never gzip": the body as it is
    "gzip;q=0, br": "br",
    "br;q=0.5, gzip": "gzip",  # preferred by q, not by the shop's order
    "gzip; q=0.8, br;q=0.9": "br",
    "*;q=0.5, zstd;q=0, br;q=0": "gzip",  # anything but zstd and brotli
    "identity, gzip;q=0": None,
    "gzip;q=2": None,  # not a q-value: that entry is left out
}


def test_accept_encodings_q_values_are_honoured_by_pages_and_partials(make_app):
    """The product page (Flask-Compress), the partial answered by the app, and by the layer in
    front of it (price_partial.Layer) all choose by the client's q-values; q=0 means never."""
    warm = make_app().test_client()
    warm.get(POSTER, headers=HTMX)  # the app answers; the layer learns its headers
    for accept, coding in CODINGS.items():
        page = warm.get(POSTER, headers={"Accept-Encoding": accept})
        from_the_app = make_app().test_client().get(f"{POSTER}?{TEN_A1_TUBE}",
                                                     headers=HTMX | {"Accept-Encoding": accept})
        from_the_layer = warm.get(f"{POSTER}?{TEN_A1_TUBE}", headers=HTMX | {"Accept-Encoding": accept})
        assert [r.headers.get("Content-Encoding") for r in (page, from_the_app, from_the_layer)] == [
            coding] * 3, accept


names = st.sampled_from(["amount", "suggested", "method", "quantity", "addon", "tip", "tip_custom"])
values = st.sampled_from(["", "1", "12.50", "us_bank_account", "card", "frame", "10"])


@given(st.lists(st.tuples(names, values), max_size=8))
def test_the_memo_key_is_the_selection_pay_would_price(fields):
    """canonical() keys the partial by selection_form's rule without copying the form: two
    sets of fields share a key exactly when selection_form makes them the same selection."""
    form = MultiDict(fields)
    priced = selection_form(form)
    if pricing.priced_method(priced) is None:
        priced.pop("method", None)
    assert canonical(fields) == tuple(sorted((name, tuple(sorted(values)))
                                           for name, values in priced.lists()))


# WSGI's QUERY_STRING: the raw bytes as Latin-1 ("Ã©" is é in UTF-8; "é" alone is no UTF-8).
query_text = st.lists(st.sampled_from(["a", "b", "-", "_", ".", "0", "9", "=", "&", "%", "+", ";",
                                       "2F", "é", "Ã©", " "]), max_size=20).map("".join)


@given(query_text)
def test_the_layer_reads_the_query_as_the_app_does(query):
    """query_fields (the layer's) gives the fields werkzeug's request.args gives the app,
    escaped or not: the layer and the app key and price the same selection. Compared name by
    name, each name's values in the order sent (what canonical() reads): request.args lists a
    name's values together where it first came, the layer as they came."""
    environ = EnvironBuilder().get_environ() | {"QUERY_STRING": query}
    try:
        expected = list(Request(environ).args.lists())
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            query_fields(environ)
        return
    assert list(MultiDict(query_fields(environ)).lists()) == expected


line_names = st.builds("line-{}-{}".format, st.sampled_from(["0", "1", "10", "01"]),
                       st.sampled_from(["amount", "suggested", "method", "quantity", "addon", "tip",
                                        "product"]))


@given(st.lists(st.tuples(st.one_of(line_names, names), values), max_size=10))
@example([("line-0-suggested", "12.50"), ("line-0-suggested", "1")])  # the first one sent counts
def test_a_bags_lines_are_keyed_as_the_bag_prices_them(fields):
    """The bag's partial keys each line by line_selections: the fields bag.line_fields gives
    price_bag (paying's pricing), made canonical, whatever their order; the rest (the bag's
    own fields, each line's product) are the form price_bag reads for the bag itself."""
    form = MultiDict(fields)
    own = [name for name, _ in fields
           if re.fullmatch(r"line-(0|[1-9][0-9]*)-(?!product\Z).+", name)]
    expected = {number: canonical(list(line_fields(form, number).items(multi=True)))
                for number in {int(name.split("-")[1]) for name in own}}
    lines, rest = line_selections(canonical(fields))
    assert lines == expected
    assert rest == [field for field in canonical(fields) if field[0] not in own]


@given(st.lists(st.tuples(names, values), max_size=6), names)
def test_the_layers_form_answers_as_werkzeugs(fields, name):
    """The layer's Form finds a missing field without an exception; present or not, it answers
    get and getlist as werkzeug's MultiDict does."""
    ours, theirs = Form(fields), MultiDict(fields)
    assert ours.get(name) == theirs.get(name)
    assert ours.get(name, "none") == theirs.get(name, "none")
    assert ours.get(name, -1, type=int) == theirs.get(name, -1, type=int)
    assert ours.getlist(name) == theirs.getlist(name)
    assert ours.getlist(name, type=str.upper) == theirs.getlist(name, type=str.upper)
