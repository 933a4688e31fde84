"""The refund form (everything left, or an amount) on a bag with makers' lines, against the local
Stripe: each maker's transfer is reversed by their share of what each refund gave back of their
lines, once, however the order is refunded (storefront/payments/connect.py's refund_settled)."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from storefront.models import Order, OrderLine, Transfer, TransferReversal
from storefront.payments import connect
from storefront.web.extensions import db
from tests.admin.helpers import csrf_token, refund_form, refund_line, refund_made
from tests.admin.test_refunds import logged_in_session
from tests.payments.test_makers import WORKSHOP, fill_and_pay, onboard, stripe_transfers
from tests.waiting import wait_for

SHARE = {"harbour-press": 85, "letterpress-studio": 90}  # percent kept after the commission


@pytest.fixture
def makers(app, stripe_client, local_stripe):
    return {"harbour-press": onboard(app, stripe_client, local_stripe, "harbour-press"),
            "letterpress-studio": onboard(app, stripe_client, local_stripe, "letterpress-studio")}


def pay(client, stripe_client, *products):
    """Pay a bag of `products` (slug, selection): the order's id and its lines as
    [(line id, product slug, maker slug or None, amount)]."""
    fill_and_pay(client, stripe_client, products)
    with client.application.app_context():
        order = db.session.scalars(db.select(Order)).one()
        return order.id, [(line.id, line.product.slug, line.maker and line.maker.slug, line.amount)
                          for line in order.items]


BAG = (("city-lights-poster", {"quantity": "2"}), ("organic-tee", {}),
       ("letterpress-workshop", WORKSHOP))
# The bag's parcel to the US (three items that ship, $5.00 + 3 × $1.00): the order's, no line's,
# so a full refund gives it back beside the lines and no maker's share moves for it.
BAG_SHIPPING = 800


def share(amount, maker):
    return amount - amount * (100 - SHARE[maker]) // 100


def public_id(app, order_id):
    with app.app_context():
        return db.session.get(Order, order_id).public_id


def at_stripe(app, stripe_client, order_id):
    """{maker slug: (transfer amount, amount reversed, [reversal amounts])} as Stripe has them."""
    slugs = {account: slug for slug, account in _accounts(app).items()}
    return {slugs[t.destination]: (t.amount, t.amount_reversed,
                                   [r.amount for r in stripe_client.transfers.reversals.list(t.id).data])
            for t in stripe_transfers(stripe_client, public_id(app, order_id))}


def _accounts(app):
    with app.app_context():
        return {t.maker.slug: t.maker.stripe_account_id for t in db.session.scalars(db.select(Transfer))}


def stripe_refunds(app, stripe_client, order_id):
    with app.app_context():
        intent = db.session.get(Order, order_id).payment_intent_id
    return [r.amount for r in stripe_client.refunds.list({"payment_intent": intent}).data]


def refund(admin_client, order_id, form=None, **fields):
    form = form or refund_form(admin_client, order_id)
    response = admin_client.post(f"/admin/orders/{order_id}/refunds", data={**form, **fields})
    return response.status_code, response.get_data(as_text=True)


def taken_back(admin_client, order_id):
    """The order page's "Taken back for refunds" cell of each maker's transfer, as text."""
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    rows = re.findall(r'<tr data-transfer="([^"]+)">.*?<td data-transfer-reduced[^>]*>(.*?)</td>', page, re.S)
    return {slug: " ".join(cell.split()) for slug, cell in rows}


def test_refunding_everything_reverses_each_makers_lines_once(app, admin_client, stripe_client, makers):
    order_id, lines = pay(admin_client, stripe_client, *BAG)
    owed = {maker: share(amount, maker) for _, _, maker, amount in lines if maker}
    form = refund_form(admin_client, order_id)

    status, page = refund(admin_client, order_id, form, full="y")
    assert status == 200 and refund_made(page)
    # Sent again (a double click, a retry): the same refund, no other reversal.
    status, page = refund(admin_client, order_id, form, full="y")
    assert status == 200 and "data-refund-refused" not in page

    assert stripe_refunds(app, stripe_client, order_id) == [
        sum(amount for *_, amount in lines) + BAG_SHIPPING]
    assert at_stripe(app, stripe_client, order_id) == {
        maker: (owed[maker], owed[maker], [owed[maker]]) for maker in owed}
    with app.app_context():
        assert sorted((r.transfer.maker.slug, r.amount, r.status)
                      for r in db.session.scalars(db.select(TransferReversal))) == sorted(
            (maker, owed[maker], "reversed") for maker in owed)
        assert all(line.refunded == line.amount for line in db.session.scalars(db.select(OrderLine)))
    assert taken_back(admin_client, order_id) == {
        maker: f"${owed[maker] / 100:,.2f} reversed" for maker in owed}


def test_a_line_refunded_first_is_not_reversed_again_by_refunding_the_rest(
        app, admin_client, stripe_client, makers):
    order_id, lines = pay(admin_client, stripe_client, *BAG)
    [(poster_id, _, _, poster)] = [line for line in lines if line[1] == "city-lights-poster"]
    [(_, _, _, workshop)] = [line for line in lines if line[1] == "letterpress-workshop"]
    refund_line(admin_client, order_id, poster_id)

    status, page = refund(admin_client, order_id, full="y")
    assert status == 200 and "data-refund-refused" not in page

    total = sum(amount for *_, amount in lines) + BAG_SHIPPING
    assert stripe_refunds(app, stripe_client, order_id) == [total - poster, poster]  # newest first
    harbour, studio = share(poster, "harbour-press"), share(workshop, "letterpress-studio")
    assert at_stripe(app, stripe_client, order_id) == {
        "harbour-press": (harbour, harbour, [harbour]), "letterpress-studio": (studio, studio, [studio])}


def test_partial_refunds_by_amount_take_each_makers_share_of_their_lines_part(
        app, admin_client, stripe_client, makers):
    """The rule (docs/makers.md): an amount is spread over the lines not refunded yet in
    proportion to what is left of each (the odd cents to the largest remainders), and each maker
    gives back their share of their line's part, rounded down: the shop carries the cent, and
    once a line is refunded in full its maker has given back exactly their share of it."""
    order_id, lines = pay(admin_client, stripe_client, *BAG)
    assert [(slug, amount) for _, slug, _, amount in lines] == [
        ("city-lights-poster", 3600), ("organic-tee", 2600), ("letterpress-workshop", 8000)]
    poster_id = lines[0][0]

    # $10.00 of $142.00: the poster's part 254 (36/142, and the odd cent), the tee's 183, the
    # workshop's 563; Harbour Press keeps 85% (215 of 254), Letterpress Studio 90% (506 of 563).
    form = refund_form(admin_client, order_id)
    assert refund(admin_client, order_id, form, amount="10.00")[0] == 200
    assert refund(admin_client, order_id, form, amount="10.00")[0] == 200  # sent twice: once
    assert stripe_refunds(app, stripe_client, order_id) == [1000]
    assert line_refunded(app) == [254, 183, 563]
    assert at_stripe(app, stripe_client, order_id) == {
        "harbour-press": (3060, 215, [215]), "letterpress-studio": (7200, 506, [506])}
    assert taken_back(admin_client, order_id) == {
        "harbour-press": "$2.15 reversed", "letterpress-studio": "$5.06 reversed"}
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert re.findall(r"data-line-part-refunded>(.*?)<", page) == [
        "$2.54 refunded", "$1.83 refunded", "$5.63 refunded"]
    assert "Refund the rest of the line" in page

    # $5.00 of the $132.00 left: parts 127, 91, 282; the poster has 381 refunded now, whose
    # share is 323, so 108 more; the workshop 845, share 760, so 254 more.
    assert refund(admin_client, order_id, amount="5.00")[0] == 200
    assert line_refunded(app) == [381, 274, 845]
    assert at_stripe(app, stripe_client, order_id) == {
        "harbour-press": (3060, 323, [108, 215]), "letterpress-studio": (7200, 760, [254, 506])}

    # The rest of the poster line, then the rest of everything: each maker ends with all of
    # their transfer reversed, never more.
    refund_line(admin_client, order_id, poster_id)
    assert refund(admin_client, order_id, full="y")[0] == 200
    assert line_refunded(app) == [3600, 2600, 8000]
    assert stripe_refunds(app, stripe_client, order_id) == [
        2326 + 7155 + BAG_SHIPPING, 3219, 500, 1000]
    assert at_stripe(app, stripe_client, order_id) == {
        "harbour-press": (3060, 3060, [2737, 108, 215]),
        "letterpress-studio": (7200, 7200, [6440, 254, 506])}
    assert taken_back(admin_client, order_id) == {
        "harbour-press": "$30.60 reversed", "letterpress-studio": "$72.00 reversed"}
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert page.count("data-line-refunded") == 3


def line_refunded(app):
    with app.app_context():
        return [line.refunded for line in db.session.scalars(db.select(OrderLine).order_by(OrderLine.position))]


def test_a_maker_not_yet_enabled_is_owed_less_and_paid_that_once_enabled(
        app, admin_client, stripe_client, local_stripe):
    """Harbour Press (two poster lines) is not enabled: a refunded line makes their waiting
    transfer smaller, and it is made smaller once they are enabled; refunding the rest then
    reverses only the line not refunded before."""
    harbour = onboard(app, stripe_client, local_stripe, "harbour-press", enabled=False)
    onboard(app, stripe_client, local_stripe, "letterpress-studio")
    order_id, lines = pay(admin_client, stripe_client, ("city-lights-poster", {"quantity": "2"}),
                          ("city-lights-poster", {"quantity": "1"}), *BAG[1:])
    [(first_id, _, _, first), (_, _, _, second)] = [line for line in lines if line[1] == "city-lights-poster"]
    assert "harbour-press" not in at_stripe(app, stripe_client, order_id)

    refund_line(admin_client, order_id, first_id)
    assert taken_back(admin_client, order_id)["harbour-press"] == (
        f"${share(first, 'harbour-press') / 100:,.2f} deducted before it was made")
    requests.post(f"{local_stripe.url}/_emulator/accounts/{harbour}/enable").raise_for_status()
    with app.app_context():
        connect.account_updated(stripe_client.accounts.retrieve(harbour))  # as its event does
    assert at_stripe(app, stripe_client, order_id)["harbour-press"] == (
        share(first + second, "harbour-press") - share(first, "harbour-press"), 0, [])

    assert refund(admin_client, order_id, full="y")[0] == 200
    made, reversed_, reversals = at_stripe(app, stripe_client, order_id)["harbour-press"]
    assert reversals == [made] and reversed_ == made  # the second line's share, all of what was made
    with app.app_context():
        assert sorted(r.status for r in db.session.scalars(db.select(TransferReversal))) == [
            "deducted", "reversed", "reversed"]


def test_refunding_everything_while_a_maker_waits_leaves_nothing_to_pay_them(
        app, admin_client, stripe_client, local_stripe):
    harbour = onboard(app, stripe_client, local_stripe, "harbour-press", enabled=False)
    onboard(app, stripe_client, local_stripe, "letterpress-studio")
    order_id, _ = pay(admin_client, stripe_client, *BAG)

    assert refund(admin_client, order_id, full="y")[0] == 200
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "Not made: every line was refunded while it waited" in page
    requests.post(f"{local_stripe.url}/_emulator/accounts/{harbour}/enable").raise_for_status()
    with app.app_context():
        connect.account_updated(stripe_client.accounts.retrieve(harbour))
        [transfer] = db.session.scalars(db.select(Transfer).filter_by(stripe_transfer_id=None)).all()
        assert (transfer.maker.slug, transfer.amount, transfer.status) == ("harbour-press", 0, "refunded")
    # Stripe never hears of a transfer to them: the customer got their money back.
    assert set(at_stripe(app, stripe_client, order_id)) == {"letterpress-studio"}


def test_two_line_refunds_at_once_refund_the_line_once_and_no_maker_is_paid_for_a_refunded_order(
        app, shop, admin, admin_client, stripe_client, local_stripe):
    """Two tabs press the $18 poster line's Refund while the first is still at Stripe: Stripe
    makes one $18 refund, the second tab is told the line is refunded already, and once the
    whole order is refunded the maker not yet enabled is never paid for it."""
    onboard(app, stripe_client, local_stripe, "harbour-press")
    studio = onboard(app, stripe_client, local_stripe, "letterpress-studio", enabled=False)
    order_id, lines = pay(admin_client, stripe_client, ("city-lights-poster", {"quantity": "1"}),
                          ("letterpress-workshop", WORKSHOP))
    [(poster_id, _, _, poster)] = [line for line in lines if line[1] == "city-lights-poster"]
    assert poster == 1800
    tabs = [logged_in_session(shop) for _ in range(2)]
    forms = [line_form(tab, shop, order_id, poster_id) for tab in tabs]
    faults = f"{local_stripe.url}/_emulator/faults"
    requests.post(faults, json={"kind": "delay", "method": "POST", "path": "/v1/refunds",
                                "delay_ms": 1500}).raise_for_status()
    try:
        url = f"{shop.url}/admin/orders/{order_id}/lines/{poster_id}/refund"
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(tabs[0].post, url, data=forms[0])
            wait_for(lambda: lease_held(app, order_id), "the first refund never took the lease")
            second = pool.submit(tabs[1].post, url, data=forms[1])
            first, second = first.result(), second.result()
    finally:
        requests.delete(faults)

    assert refund_made(first.text) == "$18.00"
    assert second.status_code == 409 and "This line is refunded already" in second.text
    assert stripe_refunds(app, stripe_client, order_id) == [1800]

    status, page = refund(admin_client, order_id, full="y")
    assert status == 200 and "data-refund-refused" not in page
    assert stripe_refunds(app, stripe_client, order_id) == [8000 + 600, 1800]  # and the poster's parcel
    requests.post(f"{local_stripe.url}/_emulator/accounts/{studio}/enable").raise_for_status()
    with app.app_context():
        connect.account_updated(stripe_client.accounts.retrieve(studio))  # as its event does
    assert "letterpress-studio" not in at_stripe(app, stripe_client, order_id)
    assert "$72.00 deducted before it was made" in taken_back(admin_client, order_id)["letterpress-studio"]


def line_form(session, shop, order_id, line_id):
    """A line's Refund form as one tab has it: its csrf_token and its own request_id."""
    page = session.get(f"{shop.url}/admin/orders/{order_id}").text
    request_id = re.search(rf'/lines/{line_id}/refund".*?name="request_id" value="([^"]+)"',
                           page, re.S).group(1)
    return {"csrf_token": csrf_token(page), "request_id": request_id}


def lease_held(app, order_id):
    with app.app_context():
        return db.session.get(Order, order_id).lease_until is not None
