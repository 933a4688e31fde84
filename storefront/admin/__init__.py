"""The merchant's side, under /admin: log in, find orders, refund and ship them, see how sales go.

Every page but the login page needs a signed-in admin. The check sits on the parent blueprint,
so no page added later can forget it.
"""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from storefront.admin import cli, login, makers, orders, refunds, sales, shipments
from storefront.models import AdminUser
from storefront.payments import gateway
from storefront.web import errors
from storefront.web.extensions import db, htmx, login_manager
from storefront.web.routing import db_int

bp = Blueprint("admin", __name__, url_prefix="/admin")
for area in (login.bp, orders.bp, refunds.bp, shipments.bp, sales.bp, makers.bp):
    bp.register_blueprint(area)

OPEN = {"admin.login.form"}


@bp.before_request
def require_admin():
    if request.endpoint not in OPEN and not current_user.is_authenticated:
        return login_manager.unauthorized()


@bp.context_processor
def stripe_links():
    return {"dashboard_url": gateway.dashboard_url}


@bp.get("/")
def home():
    return redirect(url_for("admin.orders.index"))


@login_manager.user_loader
def load_admin(session_id):
    """The admin of a session cookie, if that session has not been ended since (accounts.py)."""
    admin_id, _, version = session_id.partition(":")
    try:
        admin = db.session.get(AdminUser, db_int(admin_id))
    except ValueError:
        return None
    if admin is None or not admin.is_active or version != str(admin.session_version):
        return None
    return admin


@login_manager.unauthorized_handler
def to_login():
    target = url_for("admin.login.form", next=request.full_path.rstrip("?"))
    if htmx:
        # htmx would put the login page inside the part it asked for: send the browser there.
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


@bp.errorhandler(HTTPException)
def admin_error(error):
    """A refused htmx request (an expired CSRF token, say) shows its message above the page,
    instead of in the part it asked for; anything else gets the shop's error page."""
    if not htmx:
        return errors.error_response(error)
    title, message = errors.describe(error)
    return (render_template("admin/error.html", title=title, message=message), error.code,
            {"HX-Retarget": "#admin-alert", "HX-Reswap": "innerHTML"})


def init_app(app):
    app.register_blueprint(bp)
    cli.init_app(app)
