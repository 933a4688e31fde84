"""Paying on Stripe's Checkout page (CHECKOUT_MODE "hosted", or "embedded" inside the shop's), for
a product or for a bag holding a product sold there (bag.bag_mode: the whole bag is paid there).

"Continue to payment" prices again, records the order (one per checkout page and selection, as
paying on the shop's page does) and opens a Checkout Session listing the quote's lines; Stripe's
page sends the customer back to `returned`, which reads the session on the server and shows the
receipt only once the order is paid. The webhooks (checkout.session.*) and reconcile settle
orders the same way, through settlement.settle_session.
"""
import logging
import time
from datetime import timedelta

import stripe
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from storefront.catalog import addresses, pricing
from storefront.checkout import address_form, bag
from storefront.checkout.pay import (
    PayForm,
    find_or_create_order,
    order_for_checkout,
    receipt_url,
    remember,
)
from storefront.checkout.shop import (
    checkout_context,
    checkout_mode,
    database_zones,
    price,
    product_or_404,
)
from storefront.models import Order, PaymentAttempt, Product, utcnow
from storefront.orders import stripe_reads
from storefront.orders.leases import order_lease
from storefront.payments import gateway
from storefront.payments.decisions import PAID
from storefront.payments.settlement import settle_session
from storefront.web.extensions import db

bp = Blueprint("stripe_checkout", __name__)
log = logging.getLogger(__name__)

UNREACHABLE = ("We could not reach our payment provider, and nothing was charged. "
               "Please press Continue to payment again in a moment.")
BUSY = "This order is already being paid in another window. Wait a moment, then try again."
NOT_PAYABLE = "This order can no longer be paid. Reload the page to start a new one."
CANCELLED = "You left the payment page, and nothing was charged. Your choices are kept below."
# A page about to expire is not worth sending a customer to.
MIN_MINUTES_LEFT = 10


# A product or bag paid with the shop's card fields is sent to Stripe's hosted page by the pay
# panel's <noscript> button: without JavaScript there are no card fields, and Stripe's page needs
# nothing of the shop's page.
NO_SCRIPT_MODE = "hosted"


@bp.post("/p/<slug>/continue")
def continue_to_payment(slug):
    product = product_or_404(slug)
    mode = checkout_mode(product)
    if mode == "elements":
        mode = NO_SCRIPT_MODE
    selection, quote = price(product, request.form, database_zones())
    form = PayForm(request.form)
    if not (form.validate() and quote.ok and country_chosen(quote.shipping)):
        errors = {**quote.errors, **country_missing(quote.shipping),
                  **{name: msgs[0] for name, msgs in form.errors.items()}}
        return product_page(product, selection, quote, " ".join(dict.fromkeys(errors.values())),
                            400, email=form.email.data)
    if form.expected_total.data != quote.total:
        # Never open a payment page for a total the customer did not see.
        return product_page(product, selection, quote, None, 409, price_changed=True,
                            email=form.email.data)

    order = order_for_checkout(product, selection, quote, form, mode)
    remember(order)
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return product_page(product, selection, quote, BUSY, 409, email=form.email.data)
        if order.status in (*PAID, "processing"):
            return redirect(receipt_url(order), 303)
        if not order.payable or order.checkout_mode != mode:  # or begun on the other page
            return product_page(product, selection, quote, NOT_PAYABLE, 409, email=form.email.data)
        order.email = form.email.data
        address_form.record(order, quote.shipping)
        try:
            session = payment_page(order, pricing.itemised(quote), quote.shipping)
        except stripe.StripeError as error:
            log.warning("Order %s: no Checkout Session: %s", order.id, type(error).__name__)
            return product_page(product, selection, quote, UNREACHABLE, 503, email=form.email.data)
    return opened(order, session, mode)


@bp.post("/bag/continue")
def continue_bag():
    """The bag on Stripe's Checkout page, when a product in it is sold only there
    (bag.bag_mode): priced again from the database, one order, one page for the whole bag."""
    slugs = bag.posted_slugs(request.form)
    products = {product.slug: product for product in db.session.scalars(
        db.select(Product).where(Product.slug.in_(slugs)))} if slugs else {}
    bag_quote = bag.price_bag(products, slugs, request.form, database_zones())
    mode = bag.bag_mode(bag_quote)
    if mode == "elements":
        mode = NO_SCRIPT_MODE
    form = PayForm(request.form)
    if not (form.validate() and bag_quote.ok and country_chosen(bag_quote.shipping)):
        errors = {**bag_quote.errors, **country_missing(bag_quote.shipping),
                  **{name: msgs[0] for name, msgs in form.errors.items()}}
        return bag_page(bag_quote, " ".join(dict.fromkeys(errors.values())), 400, form)
    bag.store_priced(form.checkout_token.data, bag_quote)  # Stripe's Back link finds it again
    if form.expected_total.data != bag_quote.total:
        return bag_page(bag_quote, None, 409, form, price_changed=True)

    order = find_or_create_order(form.checkout_token.data, bag.selection_key(bag_quote),
                                 lambda: bag.order_for_bag(bag_quote, form, mode))
    remember(order)
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return bag_page(bag_quote, BUSY, 409, form)
        if order.status in (*PAID, "processing"):
            return redirect(receipt_url(order), 303)
        if not order.payable or order.checkout_mode != mode:
            return bag_page(bag_quote, NOT_PAYABLE, 409, form)
        order.email = form.email.data
        address_form.record(order, bag_quote.shipping)
        try:
            session = payment_page(order, [item for line in bag_quote.lines
                                           for item in pricing.itemised(line.quote)],
                                   bag_quote.shipping)
        except stripe.StripeError as error:
            log.warning("Order %s: no Checkout Session: %s", order.id, type(error).__name__)
            return bag_page(bag_quote, UNREACHABLE, 503, form)
    return opened(order, session, mode)


def country_chosen(parcel):
    """Stripe's page charges the rate of the country chosen here: no country, no page."""
    return parcel is None or not parcel.pending


def country_missing(parcel):
    return {} if country_chosen(parcel) else {addresses.COUNTRY: "Choose the country we ship to"}


def opened(order, session, mode):
    """Where Continue to payment takes the customer once the order's page is open."""
    if session.status == "complete":  # paid already, in another tab
        return redirect(receipt_url(order), 303)
    if mode == "hosted":
        return redirect(session.url, 303)
    response = make_response(render_template(
        "checkout/embedded.html", order=order, client_secret=session.client_secret,
        stripe_config={"publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"]}))
    response.headers["Cache-Control"] = "no-store"  # it carries the session's client secret
    return response


def bag_page(bag_quote, notice, status, form, **extra):
    """The bag again (no JavaScript needed), with why the customer is still here."""
    return render_template("shop/bag.html", **bag.context(
        bag_quote, form.checkout_token.data, checkout_notice=notice, email=form.email.data,
        **extra)), status


def payment_page(order, lines, parcel=None):
    """The order's Checkout Session, listing `lines` (pricing.itemised): its current one while it is open, for this email and not
    about to expire; else a new one (the old one expired first, so it can never be paid too).
    Holds the order's lease."""
    if order.checkout_session_id:
        session_id = order.checkout_session_id
        db.session.commit()  # no transaction open while Stripe answers
        session = gateway.checkout_session(session_id)
        fresh = session.expires_at - time.time() > MIN_MINUTES_LEFT * 60
        if session.status == "open" and session.customer_email == order.email and fresh:
            return session
        if session.status == "open":
            session = gateway.expire_checkout_session(session.id)
        if session.status == "complete":
            settle_session(order, session, "browser")
            return session
        if order.last_attempt.outcome == "created":  # that page is over; the order goes on
            order.last_attempt.outcome = "canceled"
    last = order.last_attempt
    if last is not None and last.kind == "session" and last.outcome is None:
        attempt = last  # its answer was lost: the same request again, the same session
    else:
        attempt = PaymentAttempt(number=len(order.attempts) + 1, method="card", payment_method="",
                                 kind="session")
        attempt.idempotency_key = gateway.session_key(order, attempt.number)
        order.attempts.append(attempt)
    if attempt.request is None:
        # Recorded with its key, before Stripe hears of either: asking again sends exactly it.
        # (An attempt recorded before requests were kept: built as it was then.)
        made_at = attempt.created_at or utcnow()
        expires_at = made_at + timedelta(minutes=current_app.config["CHECKOUT_SESSION_MINUTES"])
        attempt.request = gateway.checkout_session_request(
            order, attempt, lines, return_urls(order), expires_at, parcel)
    request, key = attempt.request, attempt.idempotency_key
    db.session.commit()  # no transaction open while Stripe answers
    try:
        session = gateway.create_checkout_session(request, key)
    except stripe.StripeError as error:
        if gateway.classify(error) != "uncertain":
            attempt.outcome = "error"
            db.session.commit()
        raise
    attempt.outcome = "created"
    order.checkout_session_id = session.id
    order.stripe_read_at = order.stripe_link = None  # what was learned of the last page is over
    db.session.commit()
    return session


def return_urls(order):
    """Where Stripe's page sends the customer: back here with the session's id."""
    back = url_for("stripe_checkout.returned", public_id=order.public_id, _external=True)
    back += "?session_id={CHECKOUT_SESSION_ID}"
    if order.checkout_mode == "embedded":
        return {"return_url": back}
    return {"success_url": back,
            "cancel_url": url_for("stripe_checkout.cancelled", public_id=order.public_id,
                                  _external=True)}


@bp.get("/orders/<public_id>/checkout/return")
def returned(public_id):
    """Back from Stripe's page: the receipt once the order is paid, else where things stand."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    if not order.checkout_session_id or request.args.get("session_id") != order.checkout_session_id:
        abort(404)
    status = 200
    # A webhook may have settled it already; else Stripe is asked once per interval, whoever
    # loads the page (stripe_reads.py), and the webhooks settle it meanwhile.
    if order.status not in (*PAID, "processing") and stripe_reads.may_ask(order):
        with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
            try:
                if held:
                    session_id = order.checkout_session_id
                    db.session.commit()  # no transaction open while Stripe answers
                    session = gateway.checkout_session(session_id)
                    settle_session(order, session, "browser")
                    stripe_reads.remember(order, session.url if session.status == "open" else None)
            except stripe.StripeError as error:
                log.warning("Order %s: session not read: %s", order.id, type(error).__name__)
                status = 503
    if order.status in (*PAID, "processing"):
        return redirect(receipt_url(order), 303)
    return render_template("checkout/not_paid.html", order=order, payment_url=order.stripe_link,
                           unreachable=status == 503), status


@bp.get("/orders/<public_id>/checkout/cancelled")
def cancelled(public_id):
    """Stripe's Back link (the cancel URL): the product page again, with what was chosen."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    if order.status in (*PAID, "processing"):
        return redirect(receipt_url(order), 303)
    if len(order.items) > 1:  # a bag's order: the bag once more, under the order's token
        bag.store(order.checkout_token, [(line.product.slug, line.selection) for line in order.items])
        return redirect(url_for("bag.show"), 303)
    selection, quote = price(order.product, order.selection)  # with the country it was priced to
    context = checkout_context(order.product, selection, quote, checkout_token=order.checkout_token,
                               checkout_notice=CANCELLED, email=order.email,
                               address_values=address_form.values_of(order))
    return render_template("shop/product.html", **context)


def product_page(product, selection, quote, notice, status, **extra):
    """The product page again (no JavaScript needed), with why the customer is still here."""
    context = checkout_context(product, selection, quote, checkout_notice=notice, **extra)
    return render_template("shop/product.html", **context), status
