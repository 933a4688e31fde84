"""Browsing and choosing: the product page is also the checkout page.

Products come from this process's snapshot of the catalog (snapshot.py). The price partial,
what htmx asks for on every change of the selection, is a GET of the page's URL with the
selection fields (price_partial.py).
"""
import re
import secrets

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from jinja2_fragments.flask import render_block
from sqlalchemy import bindparam

from storefront.accounts import customers
from storefront.accounts import sessions as account_sessions
from storefront.catalog import addresses, methods, pricing, shipping
from storefront.checkout import price_partial, snapshot, taxing
from storefront.checkout.price_partial import price_context, selection_form
from storefront.models import CatalogRevision, Product
from storefront.web import sessions
from storefront.web.extensions import db, htmx

bp = Blueprint("shop", __name__)

# Built once: building a select anew on every request cost about half as much as running it.
PRODUCT_BY_SLUG = db.select(Product).where(Product.slug == bindparam("slug"))
ZONES = db.select(CatalogRevision.shipping_zones).where(CatalogRevision.id == 1)


def product_or_404(slug):
    """The product as the database has it now: what paying prices from."""
    product = db.session.scalar(PRODUCT_BY_SLUG, {"slug": slug})
    if product is None:
        abort(404)
    return product


def database_zones():
    """The shipping zones as the database has them now: what paying prices from."""
    return shipping.zones_from_dict(db.session.scalar(ZONES))


def price(product, form=None, zones=None):
    """The server's price for what the customer chose (the defaults when nothing was posted),
    paid the way the form says (a bank account may be discounted), with shipping to the chosen
    country for a product that ships. `zones`: the snapshot's unless given (paying gives the
    database's)."""
    if zones is None and product.ships:
        zones = snapshot.current().zones
    return shipping.quote_form(product, form or {}, zones)


def address_values(form):
    """The address fields as posted, to show them again."""
    return {name: value for name in (addresses.NAME, *addresses.STRIPE_FIELD)
            if isinstance(value := form.get(name), str)}


def checkout_token():
    """The posted page's token (a no-JavaScript re-render keeps it), or a new one."""
    token = request.form.get("checkout_token", "")
    return token if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) else secrets.token_urlsafe(24)


def checkout_mode(product, shop_mode=None):
    """How this product's customers pay (catalog.CHECKOUT_MODES). `shop_mode`: the shop's own
    (CHECKOUT_MODE), read from the current app unless given (the price partial's layer has none)."""
    return product.checkout_mode or shop_mode or current_app.config["CHECKOUT_MODE"]


def checkout_context(product, selection, quote, **extra):
    ship_to = ()
    if product.ships:
        ship_to = shipping.countries_for(snapshot.current().zones, quote.currency)
    return price_context(product, selection, quote, **{
        "ship_to": ship_to,
        "address_values": address_values(request.form if request.method == "POST" else request.args),
        "address_errors": {},
        "checkout_token": checkout_token(),
        "layout": product.layout or current_app.config["CHECKOUT_LAYOUT"],
        "checkout_mode": checkout_mode(product),
        "payment_methods": methods.offered(quote.currency),
        "bank_discount_rule": pricing.bank_discount_rule(product.rules),
        # Kept checked when a browser without JavaScript posts the form to re-price.
        "chosen_method": request.values.get("method", methods.CARD.name),
        "stripe_config": {
            "publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"],
            "locale": "en",
        },
        **extra,
    })


@bp.get("/")
def index():
    products = snapshot.current().products.values()
    # Each product's "from" price, as pricing gives it: the least an order of it can cost.
    return render_template("shop/index.html", products=[
        (product, pricing.lowest_total(product)) for product in products])


# The shop's ordinary pages, linked from the footer of every page: each is a template a designer
# edits, templates/pages/<name>.html. Only these names are pages; any other is a 404.
PAGES = {
    "contact": "Contact us",
    "shipping-and-returns": "Shipping and returns",
    "terms": "Terms of sale",
    "privacy": "Privacy",
}


@bp.get("/pages/<name>")
def page(name):
    if name not in PAGES:
        abort(404)
    return render_template(f"pages/{name}.html", title=PAGES[name])


@bp.route("/p/<slug>", methods=["GET", "POST"])
def product(slug):
    """The checkout page priced for the selection sent (the defaults when none was); for htmx's
    GET, the price partial alone. A browser without JavaScript posts the whole form to re-price,
    which keeps the page's checkout token (and so needs the CSRF token)."""
    catalog = snapshot.current()
    product = catalog.product_or_404(slug)
    if htmx and request.method == "GET":
        return partial_response(catalog, product)
    form = selection_form(request.form if request.method == "POST" else request.args)
    selection, quote = price(product, form)
    # A posted form (no JavaScript) has the address: its price shows the tax too.
    shown = product_tax_shown(catalog, product, quote, form) if request.method == "POST" \
        else taxing.Shown()
    if htmx:  # a page loaded before the price partial became a GET
        return render_block("shop/product.html", "price", partial=True,
                            **shown.context(), **price_context(product, selection, quote))
    response = make_response(render_template(
        "shop/product.html", saved_methods=saved_methods(),
        saved_pay_url=url_for("checkout.pay", slug=product.slug),
        **checkout_context(product, selection, quote, **shown.context())))
    response.vary.add("HX-Request")  # the same URL gives htmx the partial
    return response


def saved_methods():
    """The signed-in customer's saved ways of paying for the checkout ([] for a guest, or when
    Stripe cannot be asked: a new card still works)."""
    account = account_sessions.current()
    return (customers.saved_methods(account) or []) if account is not None else []


def partial_response(catalog, product):
    """The price partial for this request's selection (`product` None: the bag's, for its
    lines), through the whole app; the layer in front of it (price_partial.Layer) learns its
    headers here and answers later ones itself."""
    sessions.leave_unread()
    request.environ[price_partial.MARK] = True
    status, own, body = price_partial.partials(current_app).answer(
        catalog, product, list(request.args.items(multi=True)),
        request.headers.get("Accept-Encoding", ""), request.if_none_match)
    response = current_app.response_class(body, status=status, headers=own)
    # Stored by the browser and shared caches, and checked with each use: a price is never
    # shown from a cache after the catalog changed.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.update(("HX-Request", "Accept-Encoding"))
    return response


@bp.post("/p/<slug>/tax")
def product_tax(slug):
    """The price block with the tax for the posted address (the address panel posts it when the
    address or the price changes): the tax line, the total, and out of band the Pay button's
    amount. An address not yet complete: the block without tax, and no Stripe call."""
    catalog = snapshot.current()
    product = catalog.product_or_404(slug)
    selection, quote = price(product, selection_form(request.form))
    shown = product_tax_shown(catalog, product, quote, request.form)
    return render_block("shop/product.html", "price", partial=True, **shown.context(),
                        **price_context(product, selection, quote))


def product_tax_shown(catalog, product, quote, form):
    if not (product.ships and quote.ok and checkout_mode(product) == "elements"):
        return taxing.Shown()  # Stripe's Checkout page is not taxed (docs/tax.md)
    address = taxing.address_to_tax(form, shipping.countries_for(catalog.zones, quote.currency))
    return taxing.shown(quote.currency, taxing.product_lines(product, quote), quote.shipping,
                        address)
