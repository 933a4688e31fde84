"""The customer's pages: asking for a sign-in link, following it, the account page, signing out
and deleting the account."""
import logging

import stripe
import re
import secrets

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from wtforms import Form, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from storefront.accounts import customers, deletion, history, sessions, signin
from storefront.orders import links

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)


@bp.after_request
def kept_by_no_cache(response):
    # A customer's address and orders, a link's page: for this browser alone, and not kept.
    response.headers["Cache-Control"] = "no-store"
    return response


class LinkForm(Form):
    email = StringField(validators=[DataRequired("Enter your email."), Length(max=254)])


@bp.route("/account/sign-in", methods=["GET", "POST"])
def sign_in():
    """Ask for a link. The answer is the same page for any address, known or not."""
    if sessions.current() is not None:
        return redirect(url_for("accounts.account"))
    form = LinkForm(request.form)
    if request.method == "POST" and form.validate():
        try:
            email = signin.normalised(form.email.data)
        except ValueError:
            form.email.errors = ["Enter a valid email address."]
        else:
            try:
                signin.request_link(email)
            except signin.TooMany:
                return render_template("accounts/sign_in.html", form=form, too_many=True), 429
            return render_template("accounts/link_sent.html", email=email,
                                   minutes=links.SIGN_IN_MINUTES)
    status = 400 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.route("/account/sign-in/<token>", methods=["GET", "POST"])
def follow_link(token):
    """The emailed link asks first, and signs in on the button: a mail scanner that opens
    every link in an email must not use it up."""
    if request.method == "GET":
        link = signin.usable(token)
        if link is None:
            return render_template("accounts/link_spent.html"), 410
        return render_template("accounts/follow_link.html", email=link.email)
    account = signin.use(token)
    if account is None:
        return render_template("accounts/link_spent.html"), 410
    sessions.sign_in(account)
    return redirect(url_for("accounts.account"), 303)


@bp.get("/account")
def account():
    account = sessions.current()
    if account is None:
        return redirect(url_for("accounts.sign_in"))
    saved = customers.saved_methods(account)
    return render_template("accounts/account.html", account=account,
                           orders=history.orders(account), again_url=history.again_url,
                           saved=saved, waiting=customers.waiting(account) if saved is not None else [],
                           setup_token=secrets.token_urlsafe(18), stripe_config={
                               "publishableKey": current_app.config["STRIPE_PUBLISHABLE_KEY"],
                               "locale": "en"})


PAYMENT_METHOD_ID = r"pm_[A-Za-z0-9_]{1,200}"
STRIPE_UNANSWERED = ("We could not reach our payment provider just now, and nothing was changed. "
                     "Please try again in a moment.")


def signed_in_or_404():
    account = sessions.current()
    if account is None:
        abort(404)
    return account


@bp.route("/account/methods/<payment_method>/remove", methods=["GET", "POST"])
def remove_method(payment_method):
    """Asks first ("Remove Visa ending 4242?"), and detaches on the button's POST."""
    account = sessions.current()
    if account is None:
        return redirect(url_for("accounts.sign_in"))
    saved = {method.id: method for method in customers.saved_methods(account) or []}
    method = saved.get(payment_method) if re.fullmatch(PAYMENT_METHOD_ID, payment_method) else None
    if method is None:
        abort(404)  # not this account's, or gone already
    if request.method == "GET":
        return render_template("accounts/remove_method.html", method=method)
    try:
        customers.remove(account, payment_method)
    except stripe.StripeError:
        return render_template("accounts/remove_method.html", method=method,
                               failed=STRIPE_UNANSWERED), 503
    return redirect(url_for("accounts.account", removed=1), 303)


@bp.post("/account/methods/<payment_method>/default")
def default_method(payment_method):
    account = signed_in_or_404()
    if not re.fullmatch(PAYMENT_METHOD_ID, payment_method):
        abort(404)
    try:
        if not customers.make_default(account, payment_method):
            abort(404)
    except stripe.StripeError:
        return render_template("accounts/remove_method.html", failed=STRIPE_UNANSWERED), 503
    return redirect(url_for("accounts.account"), 303)


class SetupForm(Form):
    kind = StringField(validators=[AnyOf(("card", "us_bank_account"))])
    setup_token = StringField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])


@bp.post("/account/methods/setup")
def setup_method():
    """A SetupIntent for the page's "Add a card" or "Link a bank account" (static/js/
    account-methods.js confirms it with Stripe.js): its client secret."""
    account = signed_in_or_404()
    form = SetupForm(request.form)
    if not form.validate():
        return jsonify(message="Please reload the page."), 400
    try:
        secret = customers.start_setup(account, form.kind.data, form.setup_token.data)
    except stripe.StripeError:
        log.warning("Account %s: no SetupIntent", account.id)
        return jsonify(message=STRIPE_UNANSWERED), 503
    return jsonify(client_secret=secret)


@bp.post("/account/sign-out")
def sign_out():
    account = sessions.current()
    if account is not None:
        sessions.sign_out(account)
    return redirect(url_for("shop.index"), 303)


@bp.route("/account/delete", methods=["GET", "POST"])
def delete():
    account = sessions.current()
    if account is None:
        return redirect(url_for("accounts.sign_in"))
    if request.method == "GET":
        return render_template("accounts/delete.html", account=account)
    try:
        deletion.delete_account(account)
    except stripe.StripeError as error:
        log.warning("Deleting account %s: Stripe refused or did not answer: %s", account.id,
                    type(error).__name__)
        return render_template("accounts/delete.html", account=account, failed=True), 503
    sessions.forget()
    return render_template("accounts/deleted.html")


@bp.app_context_processor
def header():
    """The header's "Sign in" or "Your account", from the session alone (no database read on
    every page): a stale one leads to the sign-in page."""
    return {"account_signed_in": sessions.signed_in}
