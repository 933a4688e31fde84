"""Paying makers through Stripe Connect, by separate charges and transfers: once an order is paid,
one Transfer per maker for their lines less the shop's commission, funded by the order's charge
(source_transaction) and grouped under the order (transfer_group).

Each Transfer row is saved, with its idempotency key (per order and maker), before Stripe hears
of it, so a repeat or a retry never pays a maker twice. A maker who cannot be paid yet (not
enabled) has their transfer wait; account.updated saying they are enabled makes it, and so does
`flask orders reconcile`. A refund takes each maker's share of what it gave back by a reversal
(refund_settled): a line's refund its share of that line, a refund by amount its share of each
line it is spread over (spread). Saved the same way, one Stripe did not make stays pending, and
reconcile tries it again.
"""
import logging
from collections import Counter, defaultdict

import stripe
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from storefront.models import Maker, OrderLine, Transfer, TransferReversal, utcnow
from storefront.payments import gateway
from storefront.web.extensions import db

log = logging.getLogger(__name__)


def commission(amount, maker):
    """The shop's part of a line's `amount`: its commission, in whole minor units, rounded down."""
    return amount * maker.commission_percent // 100


# Built once; pay runs it for every order.
MAKERS_LINES = (select(OrderLine.amount, Maker).join(Maker, OrderLine.maker_id == Maker.id)
                .where(OrderLine.order_id == bindparam("order_id")))


def owed(order_id):
    """{maker: (their lines less commission, the commission)} for the order's makers' lines."""
    shares = defaultdict(lambda: (0, 0))
    for amount, maker in db.session.execute(MAKERS_LINES, {"order_id": order_id}):
        kept = commission(amount, maker)
        paid, shop = shares[maker]
        shares[maker] = (paid + amount - kept, shop + kept)
    return dict(shares)


def pay_makers(order_id, public_id, currency):
    """Record what each maker is owed for the paid order, then pay those who are enabled. Only
    the request that claimed the order's fulfilment calls this; the rows' uniqueness (and the
    idempotency keys) keep a second call from paying anyone twice."""
    transfers = [Transfer(order_id=order_id, maker=maker, amount=amount, commission=kept,
                          currency=currency, status="waiting",
                          idempotency_key=f"order-{public_id}-maker-{maker.slug}")
                 for maker, (amount, kept) in owed(order_id).items()]
    if not transfers:
        return
    db.session.add_all(transfers)
    try:
        db.session.commit()
    except IntegrityError:  # recorded already: make whatever still waits
        db.session.rollback()
        transfers = db.session.scalars(db.select(Transfer).filter_by(order_id=order_id)).all()
    # Each maker as the database has it after the commit (which expired them): one enabled in
    # the meantime has had account.updated pay what waited, which may not have seen these rows.
    for transfer in transfers:
        make(transfer)


def make(transfer):
    """Make a waiting transfer if its maker can be paid; a failure leaves it waiting, saying why.
    True when it was made now."""
    if transfer.status != "waiting" or not transfer.maker.enabled:
        return False
    request, key = gateway.transfer_request(transfer), transfer.idempotency_key
    db.session.commit()  # no transaction open while Stripe answers
    try:
        made = gateway.transfer(request, key)
    except stripe.StripeError as error:
        transfer.error = error.user_message or type(error).__name__
        if gateway.classify(error) != "uncertain":
            # Stripe said no, and saves that answer for the key: a later try (the maker's
            # account fixed, say) needs a new key, or Stripe would only replay the refusal.
            # After a lost answer the key stays, so the transfer is made at most once.
            transfer.idempotency_key = next_key(transfer.idempotency_key)
        log.warning("Transfer %s to %s waits: %s", transfer.id, transfer.maker.slug, transfer.error)
    else:
        transfer.status, transfer.stripe_transfer_id = "made", made.id
        transfer.made_at, transfer.error = utcnow(), None
    db.session.commit()
    return transfer.status == "made"


def next_key(key):
    """The key of a new try after Stripe refused the one before: …-try-2, -try-3, …"""
    base, _, tries = key.rpartition("-try-")
    return f"{base}-try-{int(tries) + 1}" if base and tries.isdigit() else f"{key}-try-2"


def pay_waiting(maker=None):
    """Make every waiting transfer of enabled makers (of `maker` alone, if given); counts."""
    query = db.select(Transfer).filter_by(status="waiting")
    if maker is not None:
        query = query.filter_by(maker_id=maker.id)
    counts = Counter()
    for transfer in db.session.scalars(query).all():
        if transfer.maker.enabled:
            counts["transfers made" if make(transfer) else "transfers still waiting"] += 1
    return counts


def maker_of(account_id):
    """The maker whose connected account this is, or None."""
    return db.session.scalar(db.select(Maker).filter_by(stripe_account_id=account_id))


def account_updated(account):
    """Keep what Stripe says of a maker's account (as it is now: gateway.account); pay what
    waited once they are enabled."""
    maker = maker_of(account.id)
    if maker is None:
        return None
    maker.charges_enabled = bool(account.charges_enabled)
    maker.payouts_enabled = bool(account.payouts_enabled)
    maker.details_submitted = bool(account.details_submitted)
    capabilities = getattr(account, "capabilities", None)
    maker.transfers_active = getattr(capabilities, "transfers", None) == "active"
    requirements = getattr(account, "requirements", None)
    maker.requirements_due = list(getattr(requirements, "currently_due", None) or [])
    maker.status_at = utcnow()
    db.session.commit()
    pay_waiting(maker)
    return maker


def reversal_key(reversal, tries=0):
    """One reversal per refund and line; after a try that Stripe said no to, a new key."""
    key = f"order-{reversal.transfer.order.public_id}-line-{reversal.order_line_id}-reversal"
    if reversal.refund_id is not None:  # None: recorded when a line had one reversal at most
        key = f"order-{reversal.transfer.order.public_id}-refund-{reversal.refund_id}" \
              f"-line-{reversal.order_line_id}-reversal"
    return f"{key}-{tries}" if tries else key


def taken_back(line, refunded):
    """The maker's share of `refunded` (of the line's amount): in proportion, rounded down so
    the shop carries the cent, and all of their share once the whole line is refunded. Each
    refund takes back what it adds, so however the line is refunded, in one go or in parts,
    the maker gives back their share of it once, and never more."""
    share = line.amount - commission(line.amount, line.maker)
    return share if refunded >= line.amount else refunded * share // line.amount


def spread(order, amount):
    """{line: part} of an amount refunded: each line not refunded yet in proportion to what is
    left of it, the odd cents to the largest remainders, so the parts add up to `amount`."""
    lefts = [(line, line.amount - line.refunded) for line in order.items
             if line.refunded < line.amount]
    total = sum(left for _, left in lefts)
    if amount >= total:
        return dict(lefts)
    parts = {line: amount * left // total for line, left in lefts}
    odd = amount - sum(parts.values())
    largest_first = sorted(lefts, key=lambda item: (-(amount * item[1] % total), item[0].position))
    for line, _ in largest_first[:odd]:
        parts[line] += 1
    return parts


def refund_settled(refund):
    """An accepted refund is counted in the order's lines, and each maker whose line it refunds
    (in part or in full) gives back their share of it: their transfer is reversed by it, or,
    still waiting, made smaller. Once per refund, whatever happens in between (the form sent
    again, a retry): the lines are counted and the reversals recorded in one commit. The
    refund's reversals, each as it stands."""
    if not refund.lines_settled:
        order = refund.order
        one = next((item for item in order.items if item.id == refund.order_line_id), None)
        parts = {one: min(refund.amount, one.amount - one.refunded)} if one \
            else spread(order, refund.amount)
        for line, part in parts.items():
            before, line.refunded = line.refunded, line.refunded + part
            if line.maker_id is not None:
                _take_back(refund, line, part,
                           taken_back(line, line.refunded) - taken_back(line, before))
        refund.lines_settled = True
        db.session.commit()
    for reversal in refund.reversals:
        reverse(reversal)
    return refund.reversals


def _take_back(refund, line, part, share):
    """Record that `part` of the line was refunded, `share` of it the maker's (uncommitted)."""
    transfer = db.session.scalar(db.select(Transfer).filter_by(order_id=line.order_id,
                                                               maker_id=line.maker_id))
    if transfer is None:
        return
    waiting = transfer.status == "waiting"
    if waiting:  # nothing paid yet: they are owed less, and the shop keeps less
        transfer.amount -= share
        transfer.commission -= part - share
        if transfer.amount == 0:  # every line refunded: Stripe makes no transfer of nothing
            transfer.status, transfer.error = "refunded", None
    if share > 0:
        reversal = TransferReversal(transfer=transfer, order_line_id=line.id, refund_id=refund.id,
                                    amount=share, status="deducted" if waiting else "pending")
        reversal.idempotency_key = reversal_key(reversal)
        db.session.add(reversal)


def reverse(reversal):
    """One try at taking a pending reversal's share back at Stripe, unless another is trying it.
    When Stripe's answer is lost (no connection, a timeout) the next try sends the same key, so
    Stripe reverses at most once; when Stripe said no (a refusal, or a failure it replays for
    the key) nothing was taken back, and the next try is a new request with a new key. Either
    way it stays pending, saying why, for reconcile. True when it was made now."""
    if reversal.status != "pending":
        return False
    tries = reversal.tries
    # Read before the claim's commit expires them: nothing is read during the call.
    stripe_transfer_id, amount, key = (reversal.transfer.stripe_transfer_id, reversal.amount,
                                       reversal.idempotency_key)
    claimed = db.session.execute(
        update(TransferReversal)
        .where(TransferReversal.id == reversal.id, TransferReversal.tries == tries,
               TransferReversal.status == "pending")
        .values(tries=tries + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    if not claimed:
        return False
    try:
        made = gateway.reverse_transfer(stripe_transfer_id, amount, key)
    except stripe.StripeError as error:
        transfer = reversal.transfer
        reversal.error = error.user_message or type(error).__name__
        if gateway.classify(error) != "uncertain":
            reversal.idempotency_key = reversal_key(reversal, tries + 1)
        log.warning("Reversal %s of transfer %s is pending: %s", reversal.id, transfer.id,
                    reversal.error)
        db.session.commit()
        return False
    transfer = reversal.transfer
    reversal.status, reversal.stripe_reversal_id = "reversed", made.id
    reversal.reversed_at, reversal.error = utcnow(), None
    transfer.amount_reversed = Transfer.amount_reversed + reversal.amount  # in SQL: never lost
    db.session.commit()
    return True


def reverse_pending():
    """Try again every reversal that Stripe has not made; counts."""
    pending = db.select(TransferReversal).filter_by(status="pending").order_by(TransferReversal.id)
    counts = Counter()
    for reversal in db.session.scalars(pending).all():
        counts["reversals made" if reverse(reversal) else "reversals still pending"] += 1
    return counts
