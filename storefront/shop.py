"""Browsing and choosing: the product page is also the checkout page."""
import re
import secrets
from flask import Blueprint, abort, current_app, render_template, request
from jinja2_fragments.flask import render_block
from sqlalchemy import bindparam

from . import methods, pricing
from .extensions import db, htmx
from .models import Product

bp = Blueprint("shop", __name__)

# Built once: building a select anew on every request cost about half as much as running it.
PRODUCT_BY_SLUG = db.select(Product).where(Product.slug == bindparam("slug"))


def product_or_404(slug):
    product = db.session.scalar(PRODUCT_BY_SLUG, {"slug": slug})
    if product is None:
        abort(404)
    return product


def price(product, form=None):
    """The server's price for what the customer chose (the defaults when nothing was posted)."""
    return pricing.quote_form(product, form or {})


def checkout_token():
    """The posted page's token (a no-JavaScript re-render keeps it), or a new one."""
    token = request.form.get("checkout_token", "")
    return token if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) else secrets.token_urlsafe(24)


def checkout_mode(product):
    """How this product's customers pay (catalog.CHECKOUT_MODES)."""
    return product.checkout_mode or current_app.config["CHECKOUT_MODE"]


def checkout_context(product, selection, quote, **extra):
    return {
        "checkout_token": checkout_token(),
        "product": product,
        "rules": product.rules,
        "selection": selection,
        "quote": quote,
        "layout": product.layout or current_app.config["CHECKOUT_LAYOUT"],
        "checkout_mode": checkout_mode(product),
        "payment_methods": methods.offered(quote.currency),
        "stripe_config": {
            "publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"],
            "locale": "en",
        },
        **extra,
    }


@bp.get("/")
def index():
    products = db.session.scalars(db.select(Product).order_by(Product.position, Product.id))
    return render_template("shop/index.html", products=products.all())


@bp.route("/p/<slug>", methods=["GET", "POST"])
def product(slug):
    """GET shows the defaults; POST re-prices the selection: the price partial for htmx,
    the whole page for a browser without JavaScript."""
    product = product_or_404(slug)
    form = None
    if request.method == "POST":
        form = request.form.copy()
        # A suggested-amount button (the no-JavaScript way to pick one) stands for the amount.
        if "suggested" in form:
            form["amount"] = form.pop("suggested")
    selection, quote = price(product, form)
    context = checkout_context(product, selection, quote)
    if htmx:
        return render_block("shop/product.html", "price", partial=True, **context)
    return render_template("shop/product.html", **context)
