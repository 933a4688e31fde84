"""Browsing and choosing: the product page is also the checkout page.

Products come from this process's snapshot of the catalog (snapshot.py). The price partial,
what htmx asks for on every change of the selection, is a GET of the page's URL with the
selection fields: a pure function of the catalog and the selection, so it needs no session and
no CSRF token, each process keeps the partials it rendered last (QUOTE_MEMO_SIZE), and its ETag
lets a browser or any HTTP cache keep it and ask again with a 304 for an answer.
"""
import hashlib
import re
import secrets
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, make_response, render_template, request
from jinja2_fragments.flask import render_block
from sqlalchemy import bindparam
from werkzeug.datastructures import MultiDict

from . import methods, pricing, sessions, snapshot
from .extensions import compress, db, htmx
from .models import Product

bp = Blueprint("shop", __name__)

PARTIALS = "price_partials"
# Built once: building a select anew on every request cost about half as much as running it.
PRODUCT_BY_SLUG = db.select(Product).where(Product.slug == bindparam("slug"))


@bp.record_once
def setup(state):
    app = state.app
    app.extensions[PARTIALS] = SimpleNamespace(
        release=release(app),
        rendered=lru_cache(maxsize=app.config["QUOTE_MEMO_SIZE"])(render_price))


def release(app):
    """A digest of what shapes a price partial besides the catalog and the selection: the code,
    the templates and the locale. A deploy that changes any of them changes every ETag."""
    digest = hashlib.blake2b(app.config["SHOP_LOCALE"].encode(), digest_size=8)
    files = [*Path(app.root_path).glob("**/*.py"), *Path(app.template_folder).glob("**/*.html")]
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def product_or_404(slug):
    """The product as the database has it now: what paying prices from."""
    product = db.session.scalar(PRODUCT_BY_SLUG, {"slug": slug})
    if product is None:
        abort(404)
    return product


def price(product, form=None):
    """The server's price for what the customer chose (the defaults when nothing was posted)."""
    return pricing.quote_form(product, form or {})


def selection_form(fields):
    """The selection as sent; a suggested-amount button (the no-JavaScript way to pick one)
    stands for the amount."""
    form = fields.copy()
    if "suggested" in form:
        form["amount"] = form.pop("suggested")
    return form


def checkout_token():
    """The posted page's token (a no-JavaScript re-render keeps it), or a new one."""
    token = request.form.get("checkout_token", "")
    return token if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) else secrets.token_urlsafe(24)


def price_context(product, selection, quote, **extra):
    """What the price area (the template's `price` block) shows: nothing about the customer."""
    return {"product": product, "rules": product.rules, "selection": selection, "quote": quote,
            **extra}


def checkout_mode(product):
    """How this product's customers pay (catalog.CHECKOUT_MODES)."""
    return product.checkout_mode or current_app.config["CHECKOUT_MODE"]


def checkout_context(product, selection, quote, **extra):
    return price_context(product, selection, quote, **{
        "checkout_token": checkout_token(),
        "layout": product.layout or current_app.config["CHECKOUT_LAYOUT"],
        "checkout_mode": checkout_mode(product),
        "payment_methods": methods.offered(quote.currency),
        "stripe_config": {
            "publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"],
            "locale": "en",
        },
        **extra,
    })


@bp.get("/")
def index():
    return render_template("shop/index.html", products=snapshot.current().products.values())


@bp.route("/p/<slug>", methods=["GET", "POST"])
def product(slug):
    """The checkout page priced for the selection sent (the defaults when none was); for htmx's
    GET, the price partial alone. A browser without JavaScript posts the whole form to re-price,
    which keeps the page's checkout token (and so needs the CSRF token)."""
    catalog = snapshot.current()
    product = catalog.product_or_404(slug)
    form = selection_form(request.form if request.method == "POST" else request.args)
    if htmx and request.method == "GET":
        return price_partial(catalog, product, form)
    selection, quote = price(product, form)
    if htmx:  # a page loaded before the price partial became a GET
        return render_block("shop/product.html", "price", partial=True,
                            **price_context(product, selection, quote))
    response = make_response(render_template("shop/product.html",
                                             **checkout_context(product, selection, quote)))
    response.vary.add("HX-Request")  # the same URL gives htmx the partial
    return response


def price_partial(catalog, product, form):
    """The price area for `form`, with an ETag of the catalog revision and the selection; a 304
    when the browser or a cache has it already."""
    sessions.leave_unread()
    partials = current_app.extensions[PARTIALS]
    # Canonical: the order of the fields, and of an add-on's values, changes nothing.
    selection = tuple(sorted((name, tuple(sorted(values))) for name, values in form.lists()))
    digest = hashlib.blake2b(repr((partials.release, product.slug, selection)).encode(),
                             digest_size=12).hexdigest()
    etag = f"{catalog.revision}-{digest}"
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        body, encoding = partials.rendered(catalog, product.slug, selection,
                                           request.headers.get("Accept-Encoding", ""))
        response = current_app.response_class(body, mimetype="text/html")
        if encoding:
            response.headers["Content-Encoding"] = encoding
    # Weak: the same partial is sent compressed one way or another.
    response.headers["ETag"] = f'W/"{etag}"'
    # Stored by the browser and shared caches, and checked with each use: a price is never
    # shown from a cache after the catalog changed.
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = "HX-Request"
    return response


def render_price(catalog, slug, selection, accept_encoding):
    """The price partial's body and Content-Encoding, memoised per process by (catalog snapshot,
    slug, selection, Accept-Encoding): compressed once, as Flask-Compress does for this
    request's Accept-Encoding, and kept that way."""
    product = catalog.products[slug]
    form = MultiDict([(name, value) for name, values in selection for value in values])
    html = render_block("shop/product.html", "price", partial=True,
                        **price_context(product, *price(product, form)))
    response = compress.after_request(current_app.response_class(html, mimetype="text/html"))
    return response.get_data(), response.headers.get("Content-Encoding")
