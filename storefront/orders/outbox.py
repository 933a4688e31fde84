"""The customer's emails about an order through an outbox: the receipt, the "your payment did
not go through" email of a bank debit that failed days later, the "verify your bank account"
email once Stripe has sent the microdeposits of a bank account typed in by hand, the "your order
has shipped" email of each shipment, one email per refund once Stripe reports it succeeded,
and a customer's sign-in link. A customer never waits for, or fails because of, the mail
server, and no email is lost.

Each email is queued on the order in the commit that decides it must go: the receipt in the one
that claims the order's fulfilment (settlement.fulfil), the failure email in the one that records
the failure (settlement.settle), the verification email in the one that records the
microdeposits sent (settlement.microdeposits_sent), the refund email in the one that records
the refund succeeded (refunds.email_customer), so each goes once per payment, failed payment or
refund, whoever reports it; a shipment's in the one that records the shipment (shipments.ship),
a sign-in link's in the one that records the link (accounts/signin.py). A kind of email lives
on the table it is about (Email.table): the order's, a shipment's, a refund's, a sign-in
link's. It is sent after the response to that request, and again by `flask mail send` and
`flask orders reconcile` while it is due. Each try first claims it with a conditional UPDATE that
also sets when the next try is due, so two senders never send at once and a sender that dies
leaves it to the next try. A temporary failure (4xx, no connection, a timeout, an untrusted
certificate) waits for a backoff that doubles per try; a permanent refusal (5xx: this address or
this message will never be accepted) is recorded on the order for the admin's order page and
never tried again. One bad address never holds up another email.
"""
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import after_this_request, current_app, has_request_context
from sqlalchemy import true, update

from storefront.models import Order, Refund, Shipment, SignInLink, utcnow
from storefront.orders import mail
from storefront.web.extensions import db

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 500


@dataclass(frozen=True)
class Email:
    """One kind of email the outbox keeps for a row of `table` (an order, a shipment, a refund or
    a sign-in link), in its columns `<prefix>_due_at` (None: nothing queued), `_tries`, `_error`
    (why the last try failed), `_sent_at` and `_refused_at` (the mail server refused it for
    good)."""
    prefix: str
    counted: str  # its name in the counts the commands print
    deliver: Callable  # mail.send_…(row), or mail.Undelivered
    table: type = Order
    # The condition under which it is still worth sending (None: always): a sign-in link that
    # expired while its email waited is dropped, not sent.
    wanted: Callable | None = None

    def still_wanted(self):
        return self.wanted() if self.wanted else true()

    def column(self, name):
        return getattr(self.table, f"{self.prefix}_{name}")

    def get(self, row, name):
        return getattr(row, f"{self.prefix}_{name}")

    def values(self, **values):
        return {f"{self.prefix}_{name}": value for name, value in values.items()}

    def set(self, row, **values):
        for name, value in self.values(**values).items():
            setattr(row, name, value)

    def queued(self, now):
        """The columns that queue it, for the deciding commit's own UPDATE."""
        return self.values(due_at=now, tries=0, error=None, sent_at=None, refused_at=None)

    def queue(self, row, now):
        """Queue it on a loaded row, to go in its next commit."""
        for name, value in self.queued(now).items():
            setattr(row, name, value)


RECEIPT = Email("receipt", "receipts", mail.send_receipt)
PAYMENT_FAILED = Email("failure_email", "payment-failed emails", mail.send_payment_failed)
VERIFY_MICRODEPOSITS = Email("verify_email", "verification emails", mail.send_verify_microdeposits)
SHIPPED = Email("email", "shipment emails", mail.send_shipped, table=Shipment)
REFUND = Email("email", "refund emails", mail.send_refund, table=Refund)
SIGN_IN = Email("email", "sign-in links", mail.send_sign_in_link, table=SignInLink,
                wanted=lambda: SignInLink.expires_at > utcnow())
KINDS = (RECEIPT, PAYMENT_FAILED, VERIFY_MICRODEPOSITS, SHIPPED, REFUND, SIGN_IN)


def withdrawn():
    """The columns that drop an unsent failure or verification email, set when the order is
    paid after all: they would only ask the customer to pay what they have paid."""
    return PAYMENT_FAILED.values(due_at=None) | VERIFY_MICRODEPOSITS.values(due_at=None)


def backoff(tries):
    """How long to wait after the `tries`-th try failed: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(tries - 1, 20), LONGEST_WAIT)


def send_soon(row, kind):
    """Send the row's email of `kind` after this request's response, or now outside a request."""
    if not has_request_context():
        send(row, kind)
        return
    app, row_id = current_app._get_current_object(), row.id

    @after_this_request
    def after_the_response(response):
        # call_on_close runs once the server has sent the whole response to the customer.
        response.call_on_close(lambda: _send_later(app, row_id, kind))
        return response


def _send_later(app, row_id, kind):
    # The worker thread that answered sends it; the SMTP timeout bounds how long it is held.
    with app.app_context():
        try:
            row = db.session.get(kind.table, row_id)
        except Exception:  # the email stays due for `flask mail send` and reconcile
            log.exception("Email (%s) of %s %s: could not read it", kind.prefix, _name(kind), row_id)
            return
        if row is not None:
            send(row, kind)


def _name(kind):
    return kind.table.__name__.lower()


def send_due(limit=BATCH):
    """Try every email that is due, each on its own; returns counts of the outcomes."""
    counts = Counter()
    for kind in KINDS:
        due = (db.select(kind.table.id)
               .where(kind.column("due_at") <= utcnow(), kind.column("sent_at").is_(None),
                      kind.column("refused_at").is_(None), kind.still_wanted())
               .order_by(kind.column("due_at"), kind.table.id).limit(limit))
        for row_id in db.session.scalars(due).all():
            outcome = send(db.session.get(kind.table, row_id), kind)
            if outcome:
                counts[outcome] += 1
    return counts


def send(row, kind):
    """One try at the row's email of `kind` if it is due and no one else is trying it. Returns
    "<kind> sent", "<kind> refused" or "<kind> to retry", or None (not due, or taken).
    Never raises: a customer who has paid gets no error because of mail."""
    try:
        return _try(row, kind)
    except Exception:  # a database error while recording; the email stays due
        log.exception("Email (%s) of %s %s: the try failed", kind.prefix, _name(kind), row.id)
        db.session.rollback()
        return f"{kind.counted} to retry"


def _try(row, kind):
    now = utcnow()
    tries = kind.get(row, "tries")
    table = kind.table
    # A try is not a change to the order: its updated_at stays (reconcile reads it).
    untouched = {table.updated_at: table.updated_at} if table is Order else {}
    claimed = db.session.execute(
        update(table)
        .where(table.id == row.id, kind.column("tries") == tries, kind.column("due_at") <= now,
               kind.column("sent_at").is_(None), kind.column("refused_at").is_(None),
               kind.still_wanted())
        .values({kind.column("tries"): tries + 1, kind.column("due_at"): now + backoff(tries + 1),
                 **untouched})
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    if not claimed:
        return None
    try:
        kind.deliver(row)
    except mail.Undelivered as error:
        return _failed(row, kind, tries + 1, error)
    kind.set(row, sent_at=utcnow(), due_at=None, error=None)
    db.session.commit()
    return f"{kind.counted} sent"


def _failed(row, kind, tries, error):
    if error.permanent:
        log.error("Email (%s) of %s %s refused for good: %s", kind.prefix, _name(kind), row.id, error)
        kind.set(row, refused_at=utcnow(), due_at=None, error=str(error))
        outcome = f"{kind.counted} refused"
    else:
        log.warning("Email (%s) of %s %s not sent (try %s, next after %s): %s",
                    kind.prefix, _name(kind), row.id, tries, kind.get(row, "due_at"), error)
        kind.set(row, error=str(error))
        outcome = f"{kind.counted} to retry"
    db.session.commit()
    return outcome
