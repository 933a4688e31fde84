"""The customer's pages: asking for a sign-in link, following it, the account page, signing out
and deleting the account."""
import logging

import stripe
from flask import Blueprint, redirect, render_template, request, url_for
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length

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
    return render_template("accounts/account.html", account=account,
                           orders=history.orders(account), again_url=history.again_url,
                           saved=customers.saved_methods(account))


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
