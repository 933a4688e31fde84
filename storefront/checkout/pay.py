"""Paying: the browser sends the way it pays (a card's PaymentMethod) and the total it showed; the
server prices again and makes one Stripe call. The answer tells the browser what to do next
(decisions.decide, applied by settlement.settle).

Every request that may call Stripe for an order holds the order's lease (leases.py), and every
card tried is a PaymentAttempt saved with its idempotency key before Stripe is called: double
clicks, retries and lost answers never make a second charge.
"""
import hashlib
import json
import logging

import stripe
from flask import (Blueprint, current_app, jsonify, make_response, redirect, render_template,
                   request, session, url_for)
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, Form, IntegerField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from storefront.accounts import customers
from storefront.accounts import sessions as account_sessions
from storefront.catalog import addresses, methods, shipping
from storefront.checkout import address_form, taxing
from storefront.checkout.address_form import AddressForm
from storefront.checkout.shop import (
    checkout_context,
    checkout_mode,
    database_zones,
    price,
    product_or_404,
)
from storefront.models import Order, PaymentAttempt, breakdown
from storefront.orders.leases import order_lease
from storefront.payments import decisions, gateway, tax
from storefront.payments.settlement import settle
from storefront.web.extensions import db

bp = Blueprint("checkout", __name__)
log = logging.getLogger(__name__)

# The browser that made an order keeps its public id in its session: only that browser (or one
# the customer's email link let in) may confirm the order's payment.
SESSION_ORDERS = "orders"
SESSION_ORDERS_KEPT = 20
# The orders this browser began paying from a bank account and that have no outcome yet: only
# such a browser's pages look for one waiting for microdeposits (receipts.waiting_for_microdeposits).
SESSION_BANK_ORDERS = "bank_orders"
NOT_YOURS = "This payment belongs to another browser. Reload the page to start again."
NOT_YOUR_METHOD = ("This saved way of paying is not one of your account's. Sign in again, or "
                   "pay with a new card; nothing was charged.")
CANNOT_CHECK = ("We could not reach our payment provider to check your saved way of paying, and "
                "nothing was charged. Try again in a moment.")
OTHER_KIND = ("The price shown is for another way of paying. Choose how you pay under "
              "\"How would you like to pay?\" again, then press Pay.")
CANNOT_SAVE = ("We could not reach our payment provider to save your card, and nothing was "
               "charged. Try again in a moment, or pay without saving it.")


class PayForm(Form):
    """The payment half of the checkout form; the selection half is priced by pricing.py."""

    email = StringField(
        validators=[DataRequired("Enter your email for the receipt."), Length(max=254),
                    Email("Enter a valid email address.", check_deliverability=False)]
    )
    method = StringField(default="card")
    # The card's PaymentMethod; a bank account is collected by Stripe.js after the intent exists.
    payment_method = StringField(
        validators=[Optional(), Regexp(r"^pm_[A-Za-z0-9_]{1,200}$", message="Card details are missing.")]
    )
    expected_total = IntegerField(validators=[DataRequired("The total is missing.")])
    # "Save for next time", offered to a signed-in customer beside the card fields.
    save_card = BooleanField()
    # A signed-in customer's saved card or bank account (its PaymentMethod), chosen instead.
    saved_method = StringField(
        validators=[Optional(), Regexp(r"^pm_[A-Za-z0-9_]{1,200}$", message="Choose a way to pay.")]
    )
    checkout_token = StringField(
        validators=[DataRequired("Please reload the page."),
                    Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="Please reload the page.")]
    )

    def chosen_method(self, currency):
        """The declared method the customer chose, if it is offered for `currency`."""
        method = methods.METHODS.get(self.method.data or "card")
        if method is None or not method.offered_for(currency):
            self.method.errors = ["Choose a way to pay."]
            return None
        # Optional() lets blank text through unchecked: spaces are no card either.
        if method.confirmed_by == "server" and not (self.payment_method.data or "").strip() \
                and not self.saved_method.data:
            self.payment_method.errors = ["Card details are missing."]
            return None
        return method


def selection_key(selection, quote, taxed=None):
    """The order's key within its checkout page: the choices and their price before a bank
    discount, so paying the same choices another way is the same order, re-priced (pay_order),
    with its tax: another tax to pay is another order, as another shipping is."""
    undiscounted = quote.total - (quote.discount.amount if quote.discount else 0)
    canonical = json.dumps([selection.to_form(quote.currency), taxing.total(undiscounted, taxed)],
                           sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_for_checkout(product, selection, quote, form, mode="elements", address=None,
                       taxed=None):
    """The order for this checkout page and selection, created by whichever request comes first
    (with where it ships, when the page said, and its tax)."""
    key = selection_key(selection, quote, taxed)

    def build():
        order = Order.for_quote(product, selection, quote, form.email.data,
                                form.checkout_token.data, key, mode)
        address_form.record(order, quote.shipping, address)
        tax.apply(order, taxed)
        return order

    return find_or_create_order(form.checkout_token.data, key, build)


def find_or_create_order(checkout_token, key, build):
    """The order of this checkout page (a product's, or the bag's) and selection `key`;
    `build()` makes it when this request is the first."""
    find = db.select(Order).filter_by(checkout_token=checkout_token, selection_key=key)
    order = db.session.scalar(find)
    if order is None:
        built = build()
        # Placed while signed in: the account page lists it (a guest's stays a guest's).
        built.account_id = account_sessions.current_id()
        db.session.add(built)
        try:
            db.session.commit()
        except IntegrityError:  # its twin request won the race
            db.session.rollback()
        order = db.session.scalar(find)
    return order


def receipt_url(order):
    return url_for("orders.receipt", public_id=order.public_id)


def answer(order, decision):
    """Tell the browser the next step for the order."""
    body = {"order": order.public_id, "next": decision.next}
    if decision.next == "receipt":
        return jsonify(body | {"url": receipt_url(order)})
    if decision.next in ("authenticate", "verify", "collect"):
        if decision.next in ("verify", "collect"):
            began = session.get(SESSION_BANK_ORDERS, [])
            if order.public_id not in began:
                session[SESSION_BANK_ORDERS] = [*began, order.public_id][-SESSION_ORDERS_KEPT:]
        confirm_url = url_for("checkout.confirm", public_id=order.public_id)
        return jsonify(body | {"client_secret": decision.client_secret, "confirm_url": confirm_url,
                               "verify_url": decision.verify_url})
    if decision.next == "unavailable":
        return jsonify(body | {"next": "retry", "message": decision.message}), 503
    return jsonify(body | {"message": decision.message}), 402


def answer_again(order):
    """The answer for a repeated request, from what the order already knows, or from Stripe
    when the customer is in the middle of a step Stripe tracks (3-D Secure, a bank account)."""
    if order.payment_intent_id and (order.status == "requires_action" or (
            order.status == "pending" and order.method.confirmed_by == "browser")):
        intent_id = order.payment_intent_id
        db.session.commit()  # no transaction open while Stripe answers
        return answer(order, settle(order, gateway.refresh(intent_id), "browser"))
    return answer(order, decisions.standing(order))


def send(order, attempt, request, key):
    """Send the attempt's recorded `request` with its `key` (read before the commit that ends
    the transaction: nothing is held open while Stripe answers) and settle the order by the
    answer."""
    db.session.commit()
    return settle(order, gateway.pay(request, key), "browser", attempt)


def charge(order, method, payment_method, save_for=None, customer=None):
    """Pay `order` by `method` (with the card's `payment_method`), holding its lease; a new
    intent made for a card saves it to the Stripe Customer `save_for`, if given. `customer`:
    `payment_method` is saved to that Customer (always a new intent, made for the Customer)."""
    last = order.last_attempt
    same = last is not None and (last.method, last.payment_method) == (method.name, payment_method)
    if last is not None and last.outcome is None:
        # The last call's answer never came back: ask again with its key before anything new.
        # An attempt recorded before requests were kept: built from the order, as it was.
        decision = send(order, last, last.request or gateway.payment_request(order, last),
                        last.idempotency_key)
        if same or decision.next != "retry":
            return answer(order, decision)
    elif same and last.outcome != "error" and not (
            method.confirmed_by == "browser" and last.outcome in ("declined", "canceled")):
        # The same request again: its answer, never a second charge. (A bank account is
        # collected anew for each attempt, so after a failed one the customer may try again.)
        return answer_again(order)
    if not order.payable:
        return answer_again(order)
    declined = sum(attempt.outcome == "declined" for attempt in order.attempts)
    if declined >= current_app.config["MAX_FAILED_ATTEMPTS_PER_ORDER"]:
        return jsonify(order=order.public_id, next="stop", message=(
            "This order has been declined too many times. Please contact us, or try again later.")), 429

    number = len(order.attempts) + 1
    # A new card confirms the order's card intent; anything else is a new intent.
    confirm = (method.confirmed_by == "server" and order.payment_intent_id is not None
               and order.method is method and customer is None)
    attempt = PaymentAttempt(number=number, method=method.name, payment_method=payment_method,
                             kind="confirm" if confirm else "create",
                             payment_intent_id=order.payment_intent_id if confirm else None,
                             idempotency_key=gateway.attempt_key(order, number))
    order.attempts.append(attempt)
    # The request is recorded with its key, before Stripe hears of either: asking again sends it.
    attempt.request = request = gateway.payment_request(order, attempt, save_for=save_for,
                                                        customer=customer)
    if order.status == "failed":
        order.move_to("pending", "browser", note=f"another {method.label.lower()}")
    return answer(order, send(order, attempt, request, attempt.idempotency_key))


def remember(order):
    """Let this browser confirm the order's payment."""
    kept = [public_id for public_id in session.get(SESSION_ORDERS, []) if public_id != order.public_id]
    session[SESSION_ORDERS] = [*kept, order.public_id][-SESSION_ORDERS_KEPT:]


def made_here(order):
    return order.public_id in session.get(SESSION_ORDERS, [])


def busy(order):
    return jsonify(order=order.public_id, next="retry", message=(
        "This order is already being paid in another window. Wait a moment, then reload the page.")), 409


@bp.post("/p/<slug>/pay")
def pay(slug):
    product = product_or_404(slug)
    answered = pay_product(product)
    return plain(answered, product) if request.form.get("no_script") else answered


def pay_product(product):
    if checkout_mode(product) != "elements":
        return jsonify(next="fix", message="This product is paid on Stripe's payment page: "
                       "reload the page and press Continue to payment."), 400
    zones = database_zones() if product.ships else ()
    selection, quote = price(product, request.form, zones)
    form = PayForm(request.form)
    address = AddressForm(request.form)
    address_ok = not product.ships or address.check(shipping.countries_for(zones, quote.currency))
    method = form.validate() and address_ok and quote.ok and form.chosen_method(quote.currency)
    if not method:
        return refused(quote.errors, form, address)
    taxed, refusal = tax_to_pay(quote.currency, taxing.product_lines(product, quote),
                                quote.shipping, form, address)
    if refusal:
        return refusal
    if form.expected_total.data != taxing.total(quote.total, taxed):
        # Never charge a total the customer did not see: show them the server's price instead.
        context = checkout_context(product, selection, quote, price_changed=True, partial=True,
                                   **taxing.Shown(taxed).context())
        return render_block("shop/product.html", "price", **context), 409

    order = order_for_checkout(product, selection, quote, form, address=address.cleaned,
                               taxed=taxed)
    return pay_order(order, form, method, (breakdown(quote), [quote]), quote.shipping,
                     address.cleaned, taxed)


def tax_to_pay(currency, lines, shipping, form, address):
    """(the tax Pay charges, None), or (None, the answer that refuses to pay): an address Stripe
    Tax cannot place is the postal code's error; Stripe Tax out of reach is a 503."""
    try:
        return taxing.quote(currency, lines, shipping,
                            address.cleaned and address.cleaned["address"]), None
    except tax.TaxAddressInvalid as error:
        return None, refused({addresses.POSTAL_CODE: str(error)}, form, address)
    except tax.TaxUnavailable as error:
        return None, tax_unavailable(error)


def tax_unavailable(error):
    """Stripe Tax could not be asked: nothing is made or charged, the customer tries again."""
    return jsonify(next="retry", message=str(error)), 503


def plain(answered, product):
    """The answer for a browser without JavaScript (a saved method paid by a plain form post):
    the receipt, or a page saying why not, with the way back."""
    response = make_response(answered)
    body = response.get_json(silent=True) or {}
    if body.get("next") == "receipt":
        return redirect(body["url"], 303)
    message = body.get("message") or "Your payment was not completed, and nothing was charged."
    if body.get("next") == "authenticate":
        message = ("Your bank asks you to confirm this payment, which needs JavaScript: turn it "
                   "on, or pay on Stripe's page.")
    status = response.status_code if response.status_code >= 400 else 402
    return render_template("checkout/saved_answer.html", message=message,
                           back_url=url_for("shop.product", slug=product.slug)), status


def refused(price_errors, form, address):
    """The 400 for a pay request that cannot be paid as sent: each field's message by its name."""
    errors = {**price_errors, **address.messages,
              **{name: msgs[0] for name, msgs in form.errors.items()}}
    return jsonify(next="fix", errors=errors, message=" ".join(dict.fromkeys(errors.values()))), 400


def pay_order(order, form, method, price, shipping_line=None, address=None, taxed=None):
    """Pay the order of a checkout page (a product's or the bag's) with the posted method, under
    the order's lease: a twin request answers "busy" rather than pay alongside. The address is
    the one this request sends (the customer may have corrected it after a decline), and with
    it the tax worked out for it (`taxed`, the same total: the order's key holds it). `price` is
    the order's price for this method ((its lines, each order line's quote): Order.reprice)."""
    order.email = form.email.data
    remember(order)
    customer = save_for = None
    if form.saved_method.data:
        refusal, customer = saved_owner(order, form.saved_method.data, method)
        if refusal:
            return refusal
    else:
        try:
            save_for = saving_for(form, method)
        except stripe.StripeError:
            log.warning("Order %s: no Stripe Customer to save the card to", order.id)
            return jsonify(order=order.public_id, next="retry", message=CANNOT_SAVE), 503
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return busy(order)
        last = order.last_attempt
        # Priced for another way of paying (a bank discount), and no answer from Stripe still
        # owed (that request is sent again as it was): the price the customer saw for this way.
        if order.lines != price[0] and order.payable and (last is None or last.outcome is not None):
            order.reprice(*price)
        if order.payable:  # never where a paid parcel goes
            address_form.record(order, shipping_line, address)
            tax.apply(order, taxed)
        return charge(order, method, form.saved_method.data or form.payment_method.data or "",
                      save_for, customer)


def saved_owner(order, payment_method, method):
    """(a refusal, None), or (None, the Stripe Customer) when the saved method is the signed-in
    account's and of the kind priced (`method`): checked before Stripe is asked to charge it."""
    account = account_sessions.current()
    try:
        kind = customers.owned_kind(account, payment_method)
    except stripe.StripeError:
        log.warning("Order %s: could not list the customer's saved methods", order.id)
        return (jsonify(order=order.public_id, next="retry", message=CANNOT_CHECK), 503), None
    if kind is None:
        return (jsonify(order=order.public_id, next="fix", message=NOT_YOUR_METHOD), 403), None
    if kind != method.name:  # priced for another way of paying (a bank discount)
        return (jsonify(order=order.public_id, next="fix", message=OTHER_KIND), 400), None
    return None, account.stripe_customer_id


def saving_for(form, method):
    """The Stripe Customer to save the card to: a signed-in customer who ticked "Save for next
    time" and pays by card (made at Stripe the first time); None for anyone else, a guest too."""
    if not form.save_card.data or method.confirmed_by != "server":
        return None
    account = account_sessions.current()
    return customers.stripe_customer_id(account) if account is not None else None


@bp.post("/orders/<public_id>/confirm")
def confirm(public_id):
    """After the browser's step with Stripe (3-D Secure, a bank account collected or verified):
    the server asks Stripe how it went, and confirms a card's intent, whichever way it went."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    if not made_here(order):
        return jsonify(order=order.public_id, next="retry", message=NOT_YOURS), 403
    with order_lease(order, wait=current_app.config["ORDER_BUSY_WAIT_SECONDS"]) as held:
        if not held:
            return busy(order)
        attempt = order.last_attempt
        if attempt is None or attempt.payment_intent_id is None or order.status not in (
                "pending", "requires_action"):
            return answer_again(order)  # a webhook may have told the order already
        intent_id = attempt.payment_intent_id or order.payment_intent_id
        key = attempt.idempotency_key
        by_browser = methods.METHODS[attempt.method].confirmed_by == "browser"
        if not by_browser and order.status != "requires_action":
            return answer_again(order)
        db.session.commit()  # no transaction open while Stripe answers
        if by_browser:
            found = gateway.refresh(intent_id)
        else:
            found = gateway.confirm_after_action(intent_id, key)
        return answer(order, settle(order, found, "browser", attempt))
