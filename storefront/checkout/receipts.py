"""After paying: the receipt, built from the database alone; and the link that lets a customer
whose bank payment failed pay the same order by card."""
from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from storefront.checkout import address_form, bag, shop
from storefront.checkout.pay import SESSION_BANK_ORDERS, remember
from storefront.models import Order
from storefront.orders import delivery, links, stripe_reads
from storefront.payments import decisions, gateway
from storefront.payments.decisions import Failure
from storefront.web.extensions import db

bp = Blueprint("orders", __name__)


@bp.get("/orders/<public_id>")
def receipt(public_id):
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    verify_url = None
    if order.status == "requires_action" and order.method.action == "verify":
        # The customer left before entering the microdeposits: Stripe's page for them, asked
        # of Stripe once per interval whoever loads the page (stripe_reads.py).
        verify_url, intent_id = order.stripe_link, order.payment_intent_id
        # may_ask claims the read and commits: no transaction is open while Stripe answers.
        if stripe_reads.may_ask(order):
            answer = gateway.refresh(intent_id)
            if not isinstance(answer, Failure):
                verify_url = stripe_reads.remember(order, decisions.decide(order, answer).verify_url)
    bag.forget_if_paid(order)
    # Download links are made afresh at every visit: the way to one after an old link expired.
    return render_template("orders/receipt.html", order=order, verify_url=verify_url,
                           delivery=delivery, download_url=links.download_url)


def waiting_for_microdeposits():
    """This browser's latest order that waits for its bank account to be verified, or None: the
    shop's pages say so, with a link to the order's page (layout.html), so a customer who
    reloaded the product page is not left at a fresh checkout. Asked only of a browser with a
    bank payment under way (pay.answer notes each), so other pages cost no statement."""
    began = session.get(SESSION_BANK_ORDERS)
    if not began:
        return None
    open_orders = db.session.scalars(db.select(Order).where(
        Order.public_id.in_(began), Order.status.in_(("pending", "requires_action")))
        .order_by(Order.id.desc())).all()
    if len(open_orders) < len(began):  # the others were paid, failed or are gone
        session[SESSION_BANK_ORDERS] = [order.public_id for order in reversed(open_orders)]
    return next((order for order in open_orders
                 if order.status == "requires_action" and order.method.action == "verify"), None)


@bp.app_context_processor
def orders_waiting():
    return {"waiting_for_microdeposits": waiting_for_microdeposits}


@bp.get("/orders/<public_id>/pay")
def pay_again(public_id):
    """The order's checkout once more, with what was chosen, for a card this time."""
    order = db.first_or_404(db.select(Order).filter_by(public_id=public_id))
    if not links.pay_again_token_is_for(order, request.args.get("token", "")):
        abort(404)
    if not order.payable:
        return redirect(url_for("orders.receipt", public_id=order.public_id))
    remember(order)
    if len(order.items) > 1:  # a bag's order: the bag once more, under the order's token
        bag.store(order.checkout_token, [(line.product.slug, line.selection) for line in order.items])
        return redirect(url_for("bag.show"))
    # Where it was to ship, filled in again and priced: the same total as before.
    shipped = address_form.values_of(order)
    selection, quote = shop.price(order.product, {**order.selection, **shipped})
    context = shop.checkout_context(order.product, selection, quote, pay_again=order,
                                    checkout_token=order.checkout_token, address_values=shipped)
    return render_template("shop/product.html", **context)
