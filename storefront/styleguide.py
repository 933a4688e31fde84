"""The designers' living style guide (development only; registered when STYLEGUIDE is on).

Every state of the checkout, rendered by the shop's own templates, macros and blocks: a state
page extends shop/product.html (or orders/receipt.html) and passes the context the shop would,
so the guide cannot drift from the shop. States that exist only in the browser are put on by
static/js/styleguide.js, which calls the shop's own JavaScript (pay.js, paying.js,
card-fields.js) or, where only typing into Stripe's frames could make the state, adds Stripe's
container classes: each state says which (`how`). See docs/designers.md.
"""
import re
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request

from storefront.catalog.products import LAYOUTS
from storefront.checkout.shop import checkout_context, price
from storefront.models import Order, Product, utcnow
from storefront.orders import delivery, links
from storefront.payments import decisions
from storefront.web import ROOT
from storefront.web.extensions import db

bp = Blueprint("styleguide", __name__, url_prefix="/styleguide")

SERVER = "rendered by the server, as the shop renders it"
SCRIPT = "put on by styleguide.js through the shop's own JavaScript"
STATIC = "a static example: Stripe's container classes only; type into the fields for the real one"


@dataclass(frozen=True)
class State:
    key: str
    title: str
    how: str
    note: str


STATES = (
    State("empty", "Empty", SERVER, "The checkout as a customer first sees it."),
    State("focused", "Focused", SCRIPT,
          "The card number has the focus (element.focus()): the container gets StripeElement--focus."),
    State("invalid", "Invalid fields", STATIC,
          "StripeElement--invalid on the containers and an error under each; type "
          "4242 4242 4242 4241 to see the error colour inside the field."),
    State("complete", "Complete", STATIC,
          "StripeElement--complete on the containers; type 4242 4242 4242 4242, 12 / 34, 123 "
          "to see the complete colour inside the fields."),
    State("processing", "Processing", SCRIPT,
          "After Pay: the button is disabled, the form is aria-busy and the message says so."),
    State("declined", "Declined", SCRIPT,
          "The server's message for a declined card (decisions.DECLINE_MESSAGES), shown by paying.js."),
    State("three-d-secure", "3-D Secure", SCRIPT,
          "The page behind the bank's window. The window itself is Stripe's and takes no styles; "
          "pay with 4000 0027 6000 3184 to see it."),
    State("price-changed", "Price changed", SERVER,
          "The price block as the pay view sends it back (HTTP 409) when the total moved."),
    State("success", "Success", SERVER, "The receipt of a paid order."),
)
BY_KEY = {state.key: state for state in STATES}
DECLINED_EXAMPLE = "insufficient_funds"


def theme_tokens():
    """The custom properties in shop.css's :root, as (name, value) in the file's order."""
    css = (ROOT / "static" / "css" / "shop.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*{([^}]*)}", css)
    return re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)) if root else []


def chosen_product():
    query = db.select(Product).order_by(Product.position, Product.id)
    if slug := request.args.get("product"):
        query = query.filter_by(slug=slug)
    product = db.session.scalars(query).first()
    if product is None:
        abort(404, "No such product: load the catalog with `flask catalog load`.")
    return product


def chosen_layout(product):
    layout = request.args.get("layout")
    return layout if layout in LAYOUTS else product.layout or current_app.config["CHECKOUT_LAYOUT"]


def guide_context(state, product, layout):
    products = db.session.scalars(db.select(Product).order_by(Product.position, Product.id)).all()
    return {"guide_state": state, "states": STATES, "layouts": LAYOUTS, "guide_layout": layout,
            "guide_product": product, "products": products, "tokens": theme_tokens()}


@bp.get("/")
def index():
    product = chosen_product()
    return render_template("styleguide/index.html", **guide_context(None, product, chosen_layout(product)))


@bp.get("/<key>")
def state(key):
    guide_state = BY_KEY.get(key) or abort(404)
    product = chosen_product()
    layout = chosen_layout(product)
    selection, quote = price(product)
    guide = guide_context(guide_state, product, layout)
    if key == "success":
        return render_template("styleguide/receipt.html", order=sample_order(product, selection, quote),
                               delivery=delivery, download_url=links.download_url, **guide)
    context = checkout_context(product, selection, quote, layout=layout,
                               price_changed=key == "price-changed", **guide)
    context["guide_message"] = decisions.DECLINE_MESSAGES[DECLINED_EXAMPLE] if key == "declined" else ""
    return render_template("styleguide/checkout.html", **context)


def sample_order(product, selection, quote):
    """A paid order for the receipt template; never added to the database."""
    order = Order.for_quote(product, selection, quote, "ada@example.com",
                            checkout_token="styleguide", selection_key="styleguide")
    order.id, order.public_id, order.status = 1042, "styleguide-example", "paid"
    order.created_at = order.paid_at = utcnow()
    order.items[0].id = 1  # its download and calendar links need one
    return order
