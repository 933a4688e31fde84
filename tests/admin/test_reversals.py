"""A refunded line's share that Stripe did not take back from the maker at once: the admin's order
page shows it pending and why, and `flask orders reconcile` makes it, once, with the right
amount, whatever Stripe's failure was (tests/admin/test_makers.py has the reversal that works at
once)."""
import re

import pytest

from storefront.models import Order, OrderLine, TransferReversal
from storefront.payments import gateway
from storefront.web.extensions import db
from tests.admin.helpers import refund_form, refund_line, refund_made
from tests.payments.test_makers import onboard, pay_bag, stripe_transfers
from tests.waiting import wait_for


@pytest.fixture
def bag(app, admin_client, stripe_client, local_stripe):
    """A paid bag whose two makers are paid: the order's id, the poster line's id and Harbour
    Press's share of it, and Harbour Press's Stripe transfer."""
    harbour = onboard(app, stripe_client, local_stripe, "harbour-press")
    onboard(app, stripe_client, local_stripe, "letterpress-studio")
    public_id, _ = pay_bag(admin_client, stripe_client)
    with app.app_context():
        order = db.session.scalars(db.select(Order).filter_by(public_id=public_id)).one()
        poster = db.session.scalars(db.select(OrderLine).filter_by(order_id=order.id, position=0)).one()
        share = poster.amount - poster.amount * 15 // 100  # Harbour Press's commission is 15%
        ids = order.id, poster.id
    [transfer] = [t for t in stripe_transfers(stripe_client, public_id) if t.destination == harbour]
    return (*ids, share, transfer)


def pending_shown(admin_client, order_id):
    """What the order page says of reversals still to make, as text."""
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    return [" ".join(re.sub(r"<[^>]+>", "", note).split())
            for note in re.findall(r"<p class=\"notice\" data-reversal-pending>(.*?)</p>", page, re.S)]


def reconcile(app):
    result = app.test_cli_runner().invoke(args=["orders", "reconcile"])
    assert result.exit_code == 0, result.output
    return result.output


def reversals_at_stripe(stripe_client, transfer):
    return stripe_client.transfers.reversals.list(transfer.id).data


def keys_sent(stripe_requests, transfer):
    return [r["idempotency_key"] for r in stripe_requests(method="POST")
            if r["path"] == f"/v1/transfers/{transfer.id}/reversals"]


def assert_reversed_once(app, admin_client, stripe_client, order_id, share, transfer):
    [reversal] = reversals_at_stripe(stripe_client, transfer)
    assert reversal.amount == share
    assert stripe_client.transfers.retrieve(transfer.id).amount_reversed == share
    with app.app_context():
        [row] = db.session.scalars(db.select(TransferReversal)).all()
        assert (row.status, row.stripe_reversal_id, row.error) == ("reversed", reversal.id, None)
        assert row.transfer.amount_reversed == share
    assert pending_shown(admin_client, order_id) == []
    assert "trr_" in admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    # Nothing is left to do, and another run reverses nothing more.
    assert "reversals" not in reconcile(app)
    assert len(reversals_at_stripe(stripe_client, transfer)) == 1


def test_a_lost_connection_is_retried_by_reconcile_with_the_same_key(
        app, admin_client, stripe_client, stripe_requests, faults, bag):
    order_id, line_id, share, transfer = bag
    faults("drop", path=f"/v1/transfers/{transfer.id}/reversals")

    page = refund_line(admin_client, order_id, line_id)
    assert "The maker&#39;s transfer was not reversed yet" in page
    assert reversals_at_stripe(stripe_client, transfer) == []
    [shown] = pending_shown(admin_client, order_id)
    assert shown.startswith(f"${share / 100:.2f} still to take back")
    assert "after 1 try" in shown and "flask orders reconcile tries again" in shown
    maker_page = admin_client.get("/admin/makers/harbour-press").get_data(as_text=True)
    assert "not made yet" in maker_page and "reconcile tries again" in maker_page

    assert "1 reversals made" in reconcile(app)
    assert_reversed_once(app, admin_client, stripe_client, order_id, share, transfer)
    # Stripe may have made it the first time: the retry asked with the same key.
    first, retry = keys_sent(stripe_requests, transfer)
    assert first == retry


def test_a_failure_stripe_saved_for_the_key_is_retried_with_a_new_key(
        app, admin_client, stripe_client, stripe_requests, faults, bag):
    """A 500 is saved for its idempotency key and replayed to every retry with it (as Stripe
    does): once it is replayed, nothing was reversed, and the next try is a new request."""
    order_id, line_id, share, transfer = bag
    faults("500", path=f"/v1/transfers/{transfer.id}/reversals")

    refund_line(admin_client, order_id, line_id)
    assert len(pending_shown(admin_client, order_id)) == 1
    assert "1 reversals still pending" in reconcile(app)  # the same key: Stripe replays the 500
    [shown] = pending_shown(admin_client, order_id)
    assert "after 2 tries" in shown
    assert "1 reversals made" in reconcile(app)
    assert_reversed_once(app, admin_client, stripe_client, order_id, share, transfer)
    first, replayed, new = keys_sent(stripe_requests, transfer)
    assert first == replayed != new
    with app.app_context():
        assert db.session.scalar(db.select(TransferReversal.idempotency_key)) == new


def test_a_reversal_made_whose_answer_was_lost_is_not_made_again(
        app, admin_client, stripe_client, stripe_requests, faults, bag):
    """The shop gives up waiting while Stripe makes the reversal: asked again with the same key,
    Stripe answers with the reversal it made."""
    order_id, line_id, share, transfer = bag
    faults("delay", path=f"/v1/transfers/{transfer.id}/reversals", delay_ms=1500)
    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.5
    gateway.init_app(app)  # a client with the short timeout

    refund_line(admin_client, order_id, line_id)
    assert len(pending_shown(admin_client, order_id)) == 1
    # Stripe finishes making it.
    wait_for(lambda: reversals_at_stripe(stripe_client, transfer), "the delayed reversal was never made")

    assert "1 reversals made" in reconcile(app)
    assert_reversed_once(app, admin_client, stripe_client, order_id, share, transfer)
    assert len(set(keys_sent(stripe_requests, transfer))) == 1


def test_refunding_everything_leaves_a_reversal_stripe_did_not_make_to_reconcile(
        app, admin_client, stripe_client, stripe_requests, faults, bag):
    """"Refund all" on the bag: the maker whose reversal's answer was lost is shown pending and
    made by reconcile with the same key; the other maker's share is reversed at once."""
    order_id, _, share, transfer = bag
    faults("drop", path=f"/v1/transfers/{transfer.id}/reversals")
    form = refund_form(admin_client, order_id)

    response = admin_client.post(f"/admin/orders/{order_id}/refunds", data={**form, "full": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and refund_made(page)
    assert "The maker&#39;s transfer was not reversed yet" in page
    [shown] = pending_shown(admin_client, order_id)
    assert shown.startswith(f"${share / 100:.2f} still to take back")
    with app.app_context():
        statuses = sorted((r.transfer.maker.slug, r.status)
                          for r in db.session.scalars(db.select(TransferReversal)))
    assert statuses == [("harbour-press", "pending"), ("letterpress-studio", "reversed")]

    assert "1 reversals made" in reconcile(app)
    [made] = reversals_at_stripe(stripe_client, transfer)
    assert made.amount == share == stripe_client.transfers.retrieve(transfer.id).amount_reversed
    assert pending_shown(admin_client, order_id) == []
    first, retry = keys_sent(stripe_requests, transfer)
    assert first == retry
