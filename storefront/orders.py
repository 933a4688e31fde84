"""After paying: the receipt, built from the database alone; and the link that lets a customer
whose bank payment failed pay the same order by card."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import bag, payments, shop, stripe_gateway
from .checkout import remember
from .extensions import db
from .models import Order
from .payments import Failure

bp = Blueprint("orders", __name__)
PAY_AGAIN_DAYS = 30


@bp.get("/orders/<public_id>")
def receipt(public_id):
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    verify_url = None
    if order.status == "requires_action" and order.method.action == "verify":
        # The customer left before entering the microdeposits: Stripe's page for them.
        answer = stripe_gateway.refresh(order.payment_intent_id)
        verify_url = None if isinstance(answer, Failure) else payments.decide(order, answer).verify_url
    bag.forget_if_paid(order)
    return render_template("orders/receipt.html", order=order, verify_url=verify_url)


def _signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="pay-again")


def pay_again_url(order):
    """The emailed link: signed, so only its reader may take over paying the order."""
    return url_for("orders.pay_again", public_id=order.public_id,
                   token=_signer().dumps(order.public_id), _external=True)


@bp.get("/orders/<public_id>/pay")
def pay_again(public_id):
    """The order's checkout once more, with what was chosen, for a card this time."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    try:
        signed_for = _signer().loads(request.args.get("token", ""), max_age=PAY_AGAIN_DAYS * 86400)
    except BadSignature:
        abort(404)
    if signed_for != order.public_id:
        abort(404)
    if not order.payable:
        return redirect(url_for("orders.receipt", public_id=order.public_id))
    remember(order)
    if len(order.items) > 1:  # a bag's order: the bag once more, under the order's token
        bag.store(order.checkout_token, [(line.product.slug, line.selection) for line in order.items])
        return redirect(url_for("bag.show"))
    selection, quote = shop.price(order.product, order.selection)
    context = shop.checkout_context(order.product, selection, quote, pay_again=order,
                                    checkout_token=order.checkout_token)
    return render_template("shop/product.html", **context)
