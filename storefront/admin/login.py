"""Logging in and out of /admin."""
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from wtforms import Form, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from storefront.admin import accounts

bp = Blueprint("login", __name__)


class LoginForm(Form):
    email = StringField(validators=[DataRequired("Enter your email."), Length(max=254)])
    password = PasswordField(validators=[DataRequired("Enter your password."), Length(max=1024)])


def next_page(target):
    """Where to go after logging in: a page of the admin, never another site."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin") or "\\" in target:
        return url_for("admin.orders.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def form():
    form = LoginForm(request.form)
    refused = None
    if request.method == "POST" and form.validate():
        try:
            admin = accounts.authenticate(form.email.data, form.password.data)
        except accounts.SignInRefused as error:
            refused = str(error)
        else:
            session.clear()  # nothing from before logging in carries over
            login_user(admin)
            return redirect(next_page(request.args.get("next")))
    status = 401 if refused else 400 if form.errors else 200
    return render_template("admin/login.html", form=form, refused=refused), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Ends this admin's every session: a copy of this cookie is worth nothing from now on.
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("admin.login.form"))
