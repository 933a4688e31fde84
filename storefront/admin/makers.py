"""The makers: their Stripe Connect status as account.updated reports it, onboarding them
(a connected account and Stripe's onboarding page through an Account Link), and what they sold,
were paid and had taken back."""
import secrets

import stripe
from flask import Blueprint, abort, redirect, render_template, request, url_for

from storefront.models import Maker, Order, OrderLine, Transfer, TransferReversal
from storefront.payments import gateway
from storefront.web.extensions import db

bp = Blueprint("makers", __name__)


def maker_or_404(slug):
    return db.first_or_404(db.select(Maker).filter_by(slug=slug))


@bp.get("/makers")
def index():
    makers = db.session.scalars(db.select(Maker).order_by(Maker.name)).all()
    return render_template("admin/makers.html", makers=makers)


@bp.get("/makers/<slug>")
def detail(slug):
    maker = maker_or_404(slug)
    sales = db.session.execute(
        db.select(OrderLine, Order).join(Order).where(OrderLine.maker_id == maker.id,
                                                     Order.paid_at.is_not(None))
        .order_by(Order.paid_at.desc()).limit(200)).all()
    transfers = db.session.scalars(db.select(Transfer).filter_by(maker_id=maker.id)
                                   .order_by(Transfer.id.desc()).limit(200)).all()
    reversals = db.session.scalars(db.select(TransferReversal).join(Transfer)
                                   .where(Transfer.maker_id == maker.id)
                                   .order_by(TransferReversal.id.desc()).limit(200)).all()
    return render_template("admin/maker.html", maker=maker, sales=sales, transfers=transfers,
                           reversals=reversals, request_id=secrets.token_urlsafe(16),
                           problem=request.args.get("problem"))


@bp.post("/makers/<slug>/onboard")
def onboard(slug):
    """Give the maker a connected account (once), then send the admin to Stripe's onboarding."""
    maker = maker_or_404(slug)
    request_id = request.form.get("request_id", "")
    if not maker.stripe_account_id:
        if not request_id.replace("-", "").replace("_", "").isalnum() or len(request_id) > 64:
            abort(400)
        maker_slug = maker.slug
        db.session.commit()  # no transaction open while Stripe answers
        try:
            account = gateway.create_account(maker_slug, key=f"maker-{maker_slug}-{request_id}")
        except stripe.StripeError as error:
            return redirect(url_for(".detail", slug=slug, problem=error.user_message
                                    or "Stripe could not be reached; try again."), 303)
        maker.stripe_account_id = account.id
        db.session.commit()
    return onboarding(slug)


@bp.get("/makers/<slug>/onboarding")
def onboarding(slug):
    """A fresh Account Link (each is single use and expires): Stripe's refresh_url comes here."""
    maker = maker_or_404(slug)
    if not maker.stripe_account_id:
        return redirect(url_for(".detail", slug=slug), 303)
    account_id = maker.stripe_account_id
    db.session.commit()  # no transaction open while Stripe answers
    try:
        link = gateway.onboarding_link(
            account_id,
            refresh_url=url_for(".onboarding", slug=slug, _external=True),
            return_url=url_for(".detail", slug=slug, _external=True))
    except stripe.StripeError as error:
        return redirect(url_for(".detail", slug=slug, problem=error.user_message
                                or "Stripe could not be reached; try again."), 303)
    return redirect(link.url, 303)
