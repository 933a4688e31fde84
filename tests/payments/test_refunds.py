"""storefront/payments/refunds.py: partial and full refunds, never more than was paid, never twice."""
import pytest

from storefront.models import AdminUser, Order, Refund
from storefront.payments import refunds
from storefront.web.extensions import db
from tests.helpers import card, open_checkout, pay

SLUG = "city-lights-poster"  # $18.00, and $6.00 to ship it to the US: $24.00


@pytest.fixture
def paid(app, client, stripe_client):
    """Inside an app context: a paid order, and the admin who refunds it."""
    with app.app_context():
        assert pay(client, SLUG, open_checkout(client, SLUG), card(stripe_client)).json["next"] == "receipt"
        admin = AdminUser(email="owner@example.com", password_hash="-", failed_logins=0)
        db.session.add(admin)
        db.session.commit()
        yield db.session.scalar(db.select(Order)), admin


def stripe_refunds(stripe_client, order):
    return stripe_client.refunds.list({"payment_intent": order.payment_intent_id}).data


def test_partial_then_the_rest(paid, stripe_client):
    order, admin = paid
    first = refunds.refund(order, "request-0000000001", 500, admin, "requested_by_customer")
    assert (first.status, first.amount, first.charge_refunded_after) == ("accepted", 500, 500)
    assert first.charge_id.startswith("ch_") and first.stripe_refund_id.startswith("re_")
    # No webhook here: the order has not heard of the refund, which is pending.
    assert (order.status, order.amount_refunded) == ("paid", 0)
    assert refunds.pending(order) == [first]
    assert refunds.refundable(order) == 1900

    rest = refunds.refund(order, "request-0000000002", None, admin)
    assert rest.amount == 1900
    assert refunds.refundable(order) == 0
    assert sorted(r.amount for r in stripe_refunds(stripe_client, order)) == [500, 1900]
    with pytest.raises(refunds.RefundRefused, match="Nothing is left"):
        refunds.refund(order, "request-0000000003", 100, admin)


def test_the_order_catching_up_ends_pending(paid):
    order, admin = paid
    made = refunds.refund(order, "request-0000000001", 500, admin)
    order.amount_refunded = 500  # what charge.refunded does
    assert refunds.pending(order) == []
    assert refunds.refundable(order) == 1900
    assert made.status == "accepted"


def test_more_than_is_left_is_refused_before_stripe_hears_of_it(paid, stripe_client):
    order, admin = paid
    refunds.refund(order, "request-0000000001", 1000, admin)
    with pytest.raises(refunds.RefundRefused, match="more than is left"):
        refunds.refund(order, "request-0000000002", 1401, admin)
    with pytest.raises(refunds.RefundRefused, match="Enter an amount"):
        refunds.refund(order, "request-0000000003", 0, admin)
    assert len(stripe_refunds(stripe_client, order)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Refund)) == 1


def test_the_same_form_twice_refunds_once(paid, stripe_client):
    order, admin = paid
    first = refunds.refund(order, "request-0000000001", 700, admin)
    again = refunds.refund(order, "request-0000000001", 700, admin)
    full_again = refunds.refund(order, "request-0000000001", None, admin)
    assert first.id == again.id == full_again.id
    assert len(stripe_refunds(stripe_client, order)) == 1
    with pytest.raises(refunds.RefundRefused, match="already sent with another amount"):
        refunds.refund(order, "request-0000000001", 300, admin)


def test_an_unpaid_order_cannot_be_refunded(app, paid):
    order, admin = paid
    order.status = "failed"
    db.session.commit()
    with pytest.raises(refunds.RefundRefused, match="Nothing is left"):
        refunds.refund(order, "request-0000000001", 100, admin)


def test_stripes_own_over_refund_error_is_explained(paid, stripe_client):
    """Refunded in the dashboard meanwhile: the shop has not heard yet, Stripe says no."""
    order, admin = paid
    stripe_client.refunds.create({"payment_intent": order.payment_intent_id, "amount": 1500})
    with pytest.raises(refunds.RefundRefused) as refused:
        refunds.refund(order, "request-0000000001", 1000, admin)
    message = str(refused.value)
    assert message.startswith("Stripe refused the refund: Refund amount ($10.00) is greater than")
    assert "refunded in the Stripe dashboard" in message
    [made] = order.refunds
    assert (made.status, made.error) == ("refused", message)
    # The same form again gets the same answer without asking Stripe again.
    with pytest.raises(refunds.RefundRefused, match="greater than"):
        refunds.refund(order, "request-0000000001", 1000, admin)
    assert refunds.refund(order, "request-0000000002", 300, admin).status == "accepted"


def test_a_lost_answer_is_asked_again_with_its_key(paid, stripe_client, faults):
    order, admin = paid
    faults("drop", path="/v1/refunds")
    with pytest.raises(refunds.RefundRefused, match="may or may not have been made"):
        refunds.refund(order, "request-0000000001", 600, admin)
    [made] = order.refunds
    assert made.status == "requested"
    assert refunds.refundable(order) == 1800  # counted as on its way back
    # Another form first settles the unanswered refund, under its own key.
    other = refunds.refund(order, "request-0000000002", 1200, admin)
    assert [r.status for r in order.refunds] == ["accepted", "accepted"]
    assert other.charge_refunded_after == 1800
    assert sorted(r.amount for r in stripe_refunds(stripe_client, order)) == [600, 1200]


def test_a_500_stripe_replays_means_no_refund(paid, stripe_client, faults):
    order, admin = paid
    faults("500", path="/v1/refunds")
    with pytest.raises(refunds.RefundRefused, match="may or may not"):
        refunds.refund(order, "request-0000000001", 600, admin)
    # Sent again: Stripe replays the 500 it saved for the key, so that refund never happened.
    with pytest.raises(refunds.RefundRefused, match="nothing was refunded"):
        refunds.refund(order, "request-0000000001", 600, admin)
    assert order.refunds[0].status == "refused"
    assert stripe_refunds(stripe_client, order) == []
    assert refunds.refundable(order) == 2400


def test_idempotency_key_comes_from_the_order_and_the_form(paid, stripe_requests):
    order, admin = paid
    made = refunds.refund(order, "request-0000000001", 600, admin)
    assert made.idempotency_key == f"order-{order.public_id}-refund-request-0000000001"
    [call] = stripe_requests(method="POST", path="/v1/refunds")
    assert call["idempotency_key"] == made.idempotency_key


@pytest.mark.parametrize("refunded, status, heading", [
    (500, "partially_refunded", "Your payment went through; part of it was refunded."),
    (2400, "refunded", "This order was refunded"),
])
def test_the_receipt_of_a_refunded_order_shows_what_was_paid_and_refunded(
        app, client, paid, refunded, status, heading):
    order, _ = paid
    order.amount_refunded = refunded
    order.move_to(status, "webhook")
    db.session.commit()
    html = client.get(f"/orders/{order.public_id}").get_data(as_text=True)
    assert heading in html
    assert "was not paid" not in html
    assert '<th scope="row">Paid</th>' in html and "$18.00" in html
    assert f'<td data-refunded>−${refunded / 100:.2f}</td>' in html
    assert f'<td data-kept>${(2400 - refunded) / 100:.2f}</td>' in html
