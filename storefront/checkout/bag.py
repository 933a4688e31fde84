"""The bag: several products bought in one payment. The bag page is itself the checkout: each
line shows its product's own selection fields, the total is re-priced by htmx as on a product
page, and one PaymentIntent pays the whole bag.

The bag lives in the customer's signed session cookie: a few slugs and selections (MAX_LINES
keeps it far below a cookie's 4 kB), nothing to store or clean up on the server, and it follows
the browser as the checkout's other state does (checkout.SESSION_ORDERS). Its checkout token
names the bag's order, so a repeated pay request finds the order its twin made; a paid bag is
emptied when its receipt is shown.

A bag is in one currency: one payment is in one currency.
"""
import hashlib
import json
import secrets
from dataclasses import dataclass, field, replace
from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from jinja2 import pass_environment
import jinja2_fragments
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from storefront.accounts import history
from storefront.accounts import sessions as account_sessions
from storefront.catalog import addresses, methods, pricing, shipping
from storefront.catalog.money import format_money, over_stripe_limit
from storefront.checkout import address_form, snapshot, taxing
from storefront.checkout.address_form import AddressForm
from storefront.checkout.pay import (
    PayForm,
    find_or_create_order,
    pay_order,
    refused,
    tax_to_pay,
)
from storefront.checkout.shop import (
    address_values,
    checkout_context,
    checkout_mode,
    database_zones,
    partial_response,
    price,
    saved_methods,
    selection_form,
)
from storefront.models import Order, OrderLine, Product
from storefront.payments import tax
from storefront.web.extensions import db, htmx

bp = Blueprint("bag", __name__)

SESSION_BAG = "bag"
SESSION_ADDED = "bag_added"  # the product just added, for the next page's message
MAX_LINES = 20
FULL = f"Your bag holds at most {MAX_LINES} lines. Pay for these first, or remove one."
PRODUCT_FIELD = "product"
ON_STRIPES_PAGE = ("Your bag holds a product paid on Stripe's payment page, so the whole bag is paid "
                   "there: reload the page and press Continue to payment.")


def other_currency(bag_currency, currency):
    return (f"Your bag is in {bag_currency}, and this product is priced in {currency}: one "
            f"payment is in one currency. Pay for your bag first, or empty it, then add this.")


class Kept:
    """What the bag's templates made of an object, kept on it (in its `parts`): an object handed
    out again for the same values is rendered once (line_parts)."""

    def kept(self, key, make, *args):
        """make(*args) for this object, made the first time `key` is asked for."""
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = make(*args)
        return part


@dataclass(frozen=True)
class Line(Kept):
    number: int  # the line's place in the bag's form (its fields' prefix)
    product: object  # the catalog's ProductSpec, or a Product row when paying
    selection: object
    quote: object
    # The price partial's memo hands the same line out again for the same fields, so an
    # unchanged line is rendered once. Not copied by dataclasses.replace: a line with another
    # quote (paid_lines) is another line.
    parts: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    goods: "Goods" = field(init=False, compare=False, repr=False)  # what its row and total show

    def __post_init__(self):
        object.__setattr__(self, "goods", interned_goods(
            self.number, self.product.slug, self.product.name, self.quote.lines,
            self.quote.subtotal))


@dataclass(frozen=True)
class Goods(Kept):
    """What a line's price row and its total show (bag_line.html's price_row and line_total):
    its place, its product, its items and what they add up to before the line's tip. A line
    whose tip changed has the same goods as before, the same object (interned_goods), so those parts
    are rendered again only when they change."""
    number: int
    slug: str
    name: str
    items: tuple  # the quote's LineItems: each label and amount
    subtotal: int
    parts: dict = field(default_factory=dict, init=False, compare=False, repr=False)


# Bounded as the price partial's memo is: a line's goods are few, its tips many.
@lru_cache(maxsize=2048)
def interned_goods(number, slug, name, items, subtotal):
    return Goods(number, slug, name, items, subtotal)


@dataclass(frozen=True)
class BagQuote:
    """The bag priced line by line; errors are named by each line's field names (line-0-quantity).
    `shipping`: the one parcel of the lines that ship (None when none does), in the total once a
    country is chosen. A bank discount is the bag's, once (an amount off is off the payment, not
    off every line)."""

    lines: tuple[Line, ...]
    errors: dict
    shipping: "shipping.Shipping | None" = None
    discount: object = None  # pricing.LineItem, negative

    @property
    def currency(self):
        return self.lines[0].quote.currency if self.lines else None

    @property
    def subtotal(self):
        return sum(line.quote.subtotal for line in self.lines)

    @property
    def tip(self):
        return sum(line.quote.tip for line in self.lines)

    @property
    def tipped(self):
        """How many lines carry a tip: "Tip" or "Tips" in the summary."""
        return sum(1 for line in self.lines if line.quote.tip)

    @property
    def total(self):
        return sum(line.quote.total for line in self.lines) + (
            (self.shipping.amount if self.shipping else 0) + (
            self.discount.amount if self.discount else 0))

    @property
    def goods(self):
        return [line.goods for line in self.lines]

    @property
    def ships(self):
        return any([line.product.ships for line in self.lines])  # no generator to close

    @property
    def error_fields(self):
        """Every field of the bag's form that can carry an error message, each line's under its
        prefix: the bag's price partial swaps them in with one macro call."""
        names = []
        for line in self.lines:
            names += line_error_fields(line.number, line.product.rules.fields)
        return names + ([addresses.COUNTRY] if self.ships else [])

    def paid_lines(self):
        """Each line's quote with its share of the bank discount taken off (pricing.spread, by
        the lines' goods): what each line was paid, adding up to the bag's total."""
        if not self.discount:
            return self.lines
        goods = [line.quote.subtotal if pricing.bank_discount_rule(line.product.rules) else 0
                 for line in self.lines]
        shares = pricing.spread(-self.discount.amount, goods)
        return tuple(replace(line, quote=replace(
            line.quote, total=line.quote.total - share,
            discount=replace(self.discount, amount=-share) if share else None))
            for line, share in zip(self.lines, shares))

    @property
    def ok(self):
        return bool(self.lines) and not self.errors


def bag_mode(bag_quote, shop_mode=None):
    """How the bag is paid (docs/checkout-modes.md): by the shop's card fields only when every
    line's product is; a product sold only through Stripe's Checkout page takes the whole bag
    there, on Stripe's own page if any line says so, else embedded."""
    modes = {checkout_mode(line.product, shop_mode) for line in bag_quote.lines}
    return next((mode for mode in ("hosted", "embedded") if mode in modes), "elements")


def prefix(number):
    return f"line-{number}-"


def summary(product, selection, currency, locale):
    """The line's choices in one line of text: "Saturday 10:00–13:00 · Take-home materials kit · 10% tip"."""
    rules, chosen = product.rules, dict(selection.options)
    parts = [choice.label for group in rules.options
             if (choice := group.choice(chosen.get(group.key, group.default)))]
    parts += [addon.label for addon in rules.addons if addon.key in selection.addons]
    if selection.tip_percent:
        parts.append(f"{selection.tip_percent}% tip")
    elif selection.tip_custom:
        parts.append(f"{format_money(selection.tip_custom, currency, locale)} tip")
    return " · ".join(parts)


LINE_TEMPLATE = "shop/bag_line.html"


@bp.app_template_global()
@pass_environment  # the template's environment: no lookup of the app through its proxy
def line_parts(environment, lines, macro, *args):
    """bag_line.html's `macro` for each of `lines` (bag.lines, or their goods: bag.goods) and
    `args`, one after the other, each kept on its line (Kept): the price partial's memo hands
    out the same Line for the same fields and the same Goods for the same goods, so a bag's
    unchanged parts are rendered once, not at every change of another line or of a tip. Keyed
    by the template too, so an edited template (make run reloads them) is never answered from
    before the edit."""
    template = environment.get_template(LINE_TEMPLATE)
    render = getattr(template.module, macro)
    key = (template, macro, args)
    # Joined as text: each part is a macro's Markup already (Markup.join escapes each again).
    return Markup("".join([line.kept(key, render, line, *args) for line in lines]))


@lru_cache(maxsize=256)  # a few products' fields, at a few places in a bag
def line_error_fields(number, fields):
    """Line `number`'s `fields` (a product's PricingRules.fields) under its prefix."""
    start = prefix(number)
    return tuple(start + name for name in fields)


def stepped(form):
    """The form with a quantity stepper's press applied (the − and + buttons without JavaScript
    send `step=line-0-quantity:-1`); the browser's script changes the field itself."""
    name, _, delta = request.form.get("step", "").rpartition(":")
    if not (name.startswith("line-") and name.endswith("-quantity") and delta in ("-1", "1")):
        return form
    form = form.copy()
    try:
        form[name] = str(max(int(form.get(name, "1")) + int(delta), 1))
    except ValueError:
        pass  # a quantity that is not a number: the quote says so
    return form


def line_fields(form, number):
    """Line `number`'s selection fields, without their prefix."""
    start = prefix(number)
    return selection_form(MultiDict([(name[len(start):], value) for name, value in form.items(multi=True)
                                     if name.startswith(start) and name != start + PRODUCT_FIELD]))


def posted_slugs(form):
    """The product of each line the form sends, in order (line-0-product, line-1-product, …)."""
    slugs = []
    while len(slugs) < MAX_LINES and (slug := form.get(prefix(len(slugs)) + PRODUCT_FIELD)):
        slugs.append(slug)
    return slugs


def priced(number, product, fields):
    """Line `number` of a bag: `product` priced for the line's own `fields` (without their
    prefix), alone and without shipping: the bag ships once (price_bag)."""
    return Line(number, product, *pricing.quote_form(product, fields))


def price_bag(products, slugs, form, zones=None, priced_line=None):
    """Price each line of `form` by its product in `products` (by slug), paid the way the form
    says; a line whose product is gone is an error on that line. The lines that ship go in one
    parcel, to the form's country (`zones`: the snapshot's unless given; paying gives the
    database's). `priced_line(number, product)`: the form's line `number` as a Line (the price
    partial's are memoised); by default priced here."""
    if priced_line is None:
        def priced_line(number, product):
            return priced(number, product, line_fields(form, number))
    lines, errors = [], {}
    for number, slug in enumerate(slugs):
        product = products.get(slug)
        if product is None:
            errors["total"] = "A product in your bag is no longer sold; update your bag to remove it"
            continue
        line = priced_line(number, product)
        lines.append(line)
        errors |= {prefix(number) + name: message for name, message in line.quote.errors.items()}
    parcel = None
    currencies = {line.quote.currency for line in lines}
    discount = None
    if len(currencies) > 1:
        errors["total"] = "your bag holds more than one currency; remove the lines in the other one"
    elif currencies:
        currency = currencies.pop()
        shipped = [line for line in lines if line.product.ships]
        if shipped:
            zones = snapshot.current().zones if zones is None else zones
            parcel, problem = shipping.charge(
                zones, currency, sum(line.quote.lines[0].quantity for line in shipped),
                sum(line.quote.subtotal for line in shipped), addresses.chosen_country(form))
            if problem:
                errors[addresses.COUNTRY] = problem
        total = sum(line.quote.total for line in lines) + (parcel.amount if parcel else 0)
        if pricing.priced_method(form) == pricing.BANK:
            discounted = [(line, rule) for line in lines
                          if (rule := pricing.bank_discount_rule(line.product.rules))]
            if discounted:
                discount = pricing.bank_discount(
                    discounted[0][1], currency, sum(line.quote.subtotal for line, _ in discounted),
                    total)
                total += discount.amount if discount else 0
        # Each line is within Stripe's largest amount; the bag is one payment, so its total must be.
        if too_large := over_stripe_limit(total, currency):
            errors.setdefault("total", too_large)
    return BagQuote(tuple(lines), errors, parcel, discount)


# ---------------------------------------------------------------------------------------------
# The bag in the session


def stored():
    return session.get(SESSION_BAG) or {"token": secrets.token_urlsafe(24), "lines": []}


def store(token, lines):
    """Keep the bag's lines: [(slug, selection form)]."""
    session[SESSION_BAG] = {"token": token,
                            "lines": [{"product": slug, "form": form} for slug, form in lines]}


def as_form(bag):
    """The bag as the bag page's form sends it."""
    form = MultiDict()
    for number, line in enumerate(bag["lines"]):
        form.add(prefix(number) + PRODUCT_FIELD, line["product"])
        for name, value in line["form"].items():
            for one in value if isinstance(value, list) else [value]:
                form.add(prefix(number) + name, one)
    return form


def store_priced(token, quote):
    store(token, [(line.product.slug, line.selection.to_form(line.quote.currency))
                  for line in quote.lines])


def forget_if_paid(order):
    """The receipt of the bag's order empties the bag once the money is on its way."""
    bag = session.get(SESSION_BAG)
    if bag and bag["token"] == order.checkout_token and order.status in (
            "paid", "processing", "partially_refunded", "refunded"):
        session.pop(SESSION_BAG)


# ---------------------------------------------------------------------------------------------
# Views


def price_context(bag_quote, shop_mode=None):
    """What the bag's price block (the template's `price` block) shows: nothing about the
    customer, so the price partial renders it with this alone (and `shop_mode`, bag_mode's,
    outside an app context)."""
    return {"bag": bag_quote, "summary": summary, "checkout_mode": bag_mode(bag_quote, shop_mode)}


def context(bag_quote, token, **extra):
    """The bag template's context, for its page and the views' own partials."""
    currency = bag_quote.currency or "USD"
    ship_to = shipping.countries_for(snapshot.current().zones, currency) if bag_quote.ships else ()
    return {**price_context(bag_quote), "quote": bag_quote, "currency": currency, "checkout_token": token,
            "ship_to": ship_to, "address_errors": {},
            "address_values": address_values(request.form if request.method == "POST" else {}),
            "layout": current_app.config["CHECKOUT_LAYOUT"],
            "payment_methods": methods.offered(currency),
            "bank_discount_rule": next((rule for line in bag_quote.lines
                                        if (rule := pricing.bank_discount_rule(line.product.rules))),
                                       None),
            "chosen_method": methods.CARD.name,  # the view passes the posted one
            "stripe_config": {"publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"],
                              "locale": "en"},
            **extra}


@bp.post("/p/<slug>/add")
def add(slug):
    """Add the product, as chosen on its page, to the bag; the page again when it cannot be."""
    product = snapshot.current().product_or_404(slug)
    selection, quote = price(product, selection_form(request.form))
    bag = stored()
    refused = None
    if bag["lines"]:
        first = snapshot.current().products.get(bag["lines"][0]["product"])
        if first is not None and first.currency != product.currency:
            refused = other_currency(first.currency, product.currency)
    if len(bag["lines"]) >= MAX_LINES:
        refused = FULL
    if refused or not quote.ok:
        page = render_template("shop/product.html", **checkout_context(
            product, selection, quote, bag_refused=refused))
        return page, 409 if refused else 400
    bag["lines"].append({"product": slug, "form": selection.to_form(quote.currency)})
    session[SESSION_BAG] = bag
    # Back to the product: the page's header says it was added, with the bag's count and link
    # (layout.html), with or without JavaScript.
    session[SESSION_ADDED] = product.name
    return redirect(url_for("shop.product", slug=slug), 303)


@bp.app_context_processor
def header():
    """The header's bag count and the "added to your bag" message, on every page. Functions,
    so a page that does not show them never reads the session."""
    return {"bag_count": lambda: sum(1 for _ in (session.get(SESSION_BAG) or {}).get("lines", ())),
            "just_added": lambda: session.pop(SESSION_ADDED, None)}


@bp.route("/bag", methods=["GET", "POST"])
def show():
    """The bag and its checkout. htmx's GET (the lines' fields) gets the price partial alone, a
    pure function of the catalog and the fields; a browser without JavaScript posts the form to
    re-price (and keep the choices), or to remove a line."""
    catalog = snapshot.current()
    if htmx and request.method == "GET":  # the product partial's ETag, memo and layer
        return partial_response(catalog, None)
    bag = stored()
    form = request.form if request.method == "POST" else as_form(bag)
    slugs = posted_slugs(form)
    if request.method == "POST":
        form = stepped(form)
    if request.method == "POST" and (remove := request.form.get("remove", "")).isdigit():
        keep = [number for number in range(len(slugs)) if number != int(remove)]
        form = MultiDict([(prefix(new) + name[len(prefix(old)):], value)
                          for new, old in enumerate(keep)
                          for name, value in form.items(multi=True) if name.startswith(prefix(old))])
        slugs = posted_slugs(form)
    bag_quote = price_bag(catalog.products, slugs, form)
    shown = taxing.Shown()
    if request.method == "POST":
        store_priced(bag["token"], bag_quote)  # kept as they are made: leaving loses nothing
        shown = bag_tax_shown(catalog, bag_quote, form)  # the posted form has the address
    if htmx and request.method == "POST":  # a page from before the partial was a GET
        return render_block("shop/bag.html", "price", partial=True,
                            address_fields="address_fields" in request.form,
                            **shown.context(), **context(bag_quote, bag["token"]))
    return render_template("shop/bag.html", saved_methods=saved_methods(), **shown.context(),
                           **context(bag_quote, bag["token"],
                                     chosen_method=form.get("method", methods.CARD.name)))


@bp.post("/bag/keep")
def keep():
    """A change made on the bag's page, kept as it is made (bag.js sends the form beside
    htmx's GET of the price partial, which stays the same for everyone and cacheable)."""
    catalog = snapshot.current()
    bag_quote = price_bag(catalog.products, posted_slugs(request.form), request.form)
    store_priced(stored()["token"], bag_quote)
    return "", 204


def selection_key(bag_quote, taxed=None):
    """As a product's (pay.selection_key): the choices and their price before a bank discount,
    with its tax: another tax to pay is another order, as another shipping is."""
    lines = [[line.product.slug, line.selection.to_form(line.quote.currency)] for line in bag_quote.lines]
    undiscounted = bag_quote.total - (bag_quote.discount.amount if bag_quote.discount else 0)
    total = taxing.total(undiscounted, taxed)
    return hashlib.sha256(json.dumps([lines, total], sort_keys=True).encode()).hexdigest()


def order_lines(bag_quote):
    """The bag's lines as its order keeps them: every product's, then the bank discount's."""
    discount = [bag_quote.discount] if bag_quote.discount else []
    return [{"label": item.label, "amount": item.amount}
            for item in [*(item for line in bag_quote.lines for item in line.quote.lines), *discount]]


def order_for_bag(bag_quote, form, mode="elements", address=None, taxed=None):
    first = bag_quote.lines[0]
    order = Order(
        checkout_mode=mode,
        items=[OrderLine.for_quote(number, line.product, line.selection, line.quote)
               for number, line in enumerate(bag_quote.paid_lines())],
        product=first.product,  # the order list's product column shows the first line
        checkout_token=form.checkout_token.data,
        selection_key=selection_key(bag_quote, taxed),
        selection=first.selection.to_form(bag_quote.currency),
        lines=order_lines(bag_quote),
        subtotal=bag_quote.subtotal, tip=bag_quote.tip, total=bag_quote.total,
        currency=bag_quote.currency, email=form.email.data, status="pending", amount_refunded=0,
    )
    address_form.record(order, bag_quote.shipping, address)  # the one parcel, and where it goes
    tax.apply(order, taxed)
    return order


@bp.post("/bag/again/<public_id>")
def again(public_id):
    """Buy a bag's order again (the account page): its lines in a new bag, priced anew by the
    bag page. Only the signed-in customer's own orders."""
    account = account_sessions.current()
    order = history.order(account, public_id) if account else None
    if order is None:
        abort(404)
    store(secrets.token_urlsafe(24), [(line.product.slug, line.selection) for line in order.items])
    return redirect(url_for("bag.show"), 303)


@bp.post("/bag/pay")
def pay():
    """Pay for the whole bag, priced again from the database: one payment for its total."""
    slugs = posted_slugs(request.form)
    products = {product.slug: product for product in db.session.scalars(
        db.select(Product).where(Product.slug.in_(slugs)))} if slugs else {}
    zones = database_zones() if any(product.ships for product in products.values()) else ()
    bag_quote = price_bag(products, slugs, request.form, zones)
    if bag_mode(bag_quote) != "elements":
        return jsonify(next="fix", message=ON_STRIPES_PAGE), 400
    form = PayForm(request.form)
    address = AddressForm(request.form)
    address_ok = not bag_quote.ships or address.check(
        shipping.countries_for(zones, bag_quote.currency))
    method = form.validate() and address_ok and bag_quote.ok and \
        form.chosen_method(bag_quote.currency)
    if not method:
        errors = dict(bag_quote.errors)
        if not bag_quote.lines:
            errors["total"] = "Your bag is empty."
        return refused(errors, form, address)
    store_priced(form.checkout_token.data, bag_quote)  # a decline keeps what was chosen
    taxed, refusal = tax_to_pay(bag_quote.currency, taxing.bag_lines(bag_quote),
                                bag_quote.shipping, form, address)
    if refusal:
        return refusal
    if form.expected_total.data != taxing.total(bag_quote.total, taxed):
        return render_block("shop/bag.html", "price", partial=True, price_changed=True,
                            **taxing.Shown(taxed).context(),
                            **context(bag_quote, form.checkout_token.data)), 409

    order = find_or_create_order(
        form.checkout_token.data, selection_key(bag_quote, taxed),
        lambda: order_for_bag(bag_quote, form, address=address.cleaned, taxed=taxed))
    return pay_order(order, form, method, (order_lines(bag_quote),
                                           [line.quote for line in bag_quote.paid_lines()]),
                     bag_quote.shipping, address.cleaned, taxed)


@bp.post("/bag/tax")
def tax_for_address():
    """The bag's price block with the tax for the posted address (the address panel posts it when
    the address or the price changes); an address not yet complete: without tax, no Stripe call."""
    catalog = snapshot.current()
    bag_quote = price_bag(catalog.products, posted_slugs(request.form), request.form)
    shown = bag_tax_shown(catalog, bag_quote, request.form)
    return render_block("shop/bag.html", "price", partial=True, **shown.context(),
                        **context(bag_quote, None))


def bag_tax_shown(catalog, bag_quote, form):
    if not (bag_quote.ships and bag_quote.ok and bag_mode(bag_quote) == "elements"):
        return taxing.Shown()  # Stripe's Checkout page is not taxed (docs/tax.md)
    address = taxing.address_to_tax(form, shipping.countries_for(catalog.zones, bag_quote.currency))
    return taxing.shown(bag_quote.currency, taxing.bag_lines(bag_quote), bag_quote.shipping,
                        address)


def price_block(app, catalog, form, priced_line=None):
    """The bag's price block for the lines in `form`, priced from the catalog snapshot (each
    line by `priced_line`, as price_bag): the bag's price partial (price_partial.Partials.render_bag)."""
    bag_quote = price_bag(catalog.products, posted_slugs(form), form, catalog.zones, priced_line)
    # Outside a request (the layer in front of the app): rendered with the app's environment.
    return jinja2_fragments.render_block(app.jinja_env, "shop/bag.html", "price", partial=True,
                                         address_fields="address_fields" in form,
                                         **price_context(bag_quote, app.config["CHECKOUT_MODE"]))
