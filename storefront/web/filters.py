"""Template helpers: money for people, product images, the price partials' error lines."""
from functools import lru_cache
from itertools import repeat

from flask import url_for
from jinja2 import pass_environment

from storefront.catalog import addresses, pricing
from storefront.catalog.money import format_money, to_major_string

# Stripe's card brands (payment_method_details.card.brand), as the card says.
CARD_BRANDS = {
    "visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "discover": "Discover",
    "diners": "Diners Club", "jcb": "JCB", "unionpay": "UnionPay", "cartes_bancaires": "Cartes Bancaires",
    "eftpos_au": "eftpos", "interac": "Interac", "link": "Link", "unknown": "Card",
}


def init_app(app):
    locale = app.config["SHOP_LOCALE"]  # read once: a price partial formats about eight amounts

    @app.template_filter("money")
    def money_filter(minor, currency):
        return format_money(minor, currency, locale)

    @app.template_filter("major")
    def major_filter(minor, currency):
        """An amount as a person types it into a form field: "12.50", "500"."""
        return to_major_string(minor, currency)

    app.add_template_global(oob_error_lines)
    app.add_template_global(kept)

    # The volume prices with the chosen options, for the hint beside the quantity.
    app.add_template_global(pricing.volume_prices_for)

    @app.template_global()
    def address_fields_for(code):
        """The shipping address's fields for the country `code` (the name alone for none)."""
        return addresses.form_fields(addresses.COUNTRIES.get(code or ""))

    app.add_template_global(addresses.country_name)
    app.add_template_global(addresses.one_line, "address_line")

    @app.template_filter("card_brand")
    def card_brand_filter(brand):
        """Stripe's card brand ("visa", "amex") as people write it."""
        return CARD_BRANDS.get(brand or "", (brand or "Card").replace("_", " ").title())

    @app.template_global()
    def product_image(product):
        if product.image.startswith(("http://", "https://")):
            return product.image
        return url_for("static", filename=product.image)


def kept(macro, *args):
    """macro(*args), rendered once for the same arguments: for a macro that shows nothing but its
    arguments (a price block's shipping row, its total's label), which a price partial would
    otherwise render again at every change of something else. The arguments are the key, so
    they are values (text, numbers, frozen dataclasses); with one that is not, the macro is
    simply called. Keyed by the macro itself too, so an edited template (make run reloads
    them) is never answered from before the edit; an imported macro, then (one defined in the
    calling template is a new object at every render, and never found again)."""
    try:
        return _kept(macro, args)
    except TypeError:  # an argument that cannot be a key (a list, a dict)
        return macro(*args)


@lru_cache(maxsize=1024)  # bounded: arguments can hold amounts
def _kept(macro, args):
    return macro(*args)


# The template whose error_lines macro (a designer's) writes them: see oob_error_lines.
ERROR_LINES_TEMPLATE = "shop/fields.html"


@pass_environment  # the template's environment: no lookup of the app through its proxy
def oob_error_lines(environment, names, errors):
    """fields.html's error_lines(names, errors, oob=True), which a price partial swaps in for
    every field that can carry a message: remembered by the names and their messages, which are
    nearly always the same few empty lines (and rendering them was a third of a cold partial's
    template time). Keyed by the template too, so an edited template (make run reloads them)
    is never answered from before the edit."""
    names = tuple(names)
    template = environment.get_template(ERROR_LINES_TEMPLATE)
    return _oob_error_lines(template, names, tuple(map(errors.get, names, repeat(""))))


@lru_cache(maxsize=1024)  # bounded: the messages can hold amounts a customer typed
def _oob_error_lines(template, names, messages):
    return template.module.error_lines(list(names), dict(zip(names, messages)), oob=True)
