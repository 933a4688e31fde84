"""Sending email through a pluggable backend, chosen by MAIL_BACKEND:
"log" (development: the message goes to the log), "memory" (tests), "smtp" (production).

SMTP is always over TLS with the server's certificate checked (ssl.create_default_context: a
trusted CA and the host name of SMTP_URL), before any login is sent:
`smtp://user:password@host:port` requires STARTTLS (port 587 by default), `smtps://…` is TLS
from the first byte (port 465). SMTP_CA_FILE adds a private CA.

A failure is Undelivered, `permanent` when the server refused this message for good (a 5xx
answer to its recipient or its content): trying again would be refused again. Anything else (a
4xx, no connection, a timeout, a certificate that is not trusted, a refused login) may pass
later.
"""
import hashlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

from storefront.orders import delivery, links
from storefront.orders.links import DOWNLOAD_DAYS, download_url, pay_again_url, sign_in_url

log = logging.getLogger(__name__)
OUTBOX = "mail_outbox"
TIMEOUT_SECONDS = 20


class Undelivered(Exception):
    """The message was not sent; str() says why, for the log and the admin's order page."""

    def __init__(self, reason, permanent=False):
        super().__init__(reason)
        self.permanent = permanent


def _send_log(message):
    # The text part: a message with attachments (a ticket's .ics) is multipart.
    body = message.get_body(preferencelist=("plain",))
    attached = [part.get_filename() for part in message.iter_attachments()]
    log.info("Email to %s: %s\n%s%s", message["To"], message["Subject"],
             body.get_content() if body is not None else "",
             f"\nAttached: {', '.join(attached)}" if attached else "")


def _send_memory(message):
    current_app.extensions.setdefault(OUTBOX, []).append(message)


def _tls_context():
    return ssl.create_default_context(cafile=current_app.config.get("SMTP_CA_FILE"))


def _connect(url):
    """An SMTP connection to `url`, encrypted and its certificate checked."""
    if url.scheme == "smtps":
        return smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=TIMEOUT_SECONDS,
                                context=_tls_context())
    if url.scheme != "smtp":  # config.py refuses these in production
        raise Undelivered(f"SMTP_URL must be smtp://… or smtps://…, not {url.scheme}://")
    smtp = smtplib.SMTP(url.hostname, url.port or 587, timeout=TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise Undelivered(f"the mail server {url.hostname} does not offer STARTTLS; "
                              "no login or message was sent in plain text")
        smtp.starttls(context=_tls_context())
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_smtp(message):
    url = urlsplit(current_app.config["SMTP_URL"])
    try:
        with _connect(url) as smtp:
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise Undelivered(f"the mail server refused {message['To']}: {code} {_text(reply)}",
                          permanent=code >= 500) from error
    except smtplib.SMTPDataError as error:
        raise Undelivered(f"the mail server refused the message: {error.smtp_code} "
                          f"{_text(error.smtp_error)}", permanent=error.smtp_code >= 500) from error
    except ssl.SSLCertVerificationError as error:
        raise Undelivered(
            f"the mail server's certificate is not trusted ({error.verify_message}); no login or "
            f"message was sent: check SMTP_URL's host name {url.hostname!r} or set SMTP_CA_FILE"
        ) from error
    except smtplib.SMTPAuthenticationError as error:
        raise Undelivered(f"the mail server refused the login in SMTP_URL: {error.smtp_code} "
                          f"{_text(error.smtp_error)}") from error
    except smtplib.SMTPResponseException as error:
        raise Undelivered(f"the mail server answered {error.smtp_code} "
                          f"{_text(error.smtp_error)}") from error
    except (smtplib.SMTPException, OSError) as error:  # no connection, a timeout, TLS failing
        raise Undelivered(f"could not reach the mail server {url.hostname}:{url.port}: "
                          f"{error or type(error).__name__}") from error


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


BACKENDS = {"log": _send_log, "memory": _send_memory, "smtp": _send_smtp}


def send(to, subject, body, message_id=None, attachments=()):
    """Send one message now, or Undelivered. `attachments`: (file name, MIME type, bytes)."""
    message = EmailMessage()
    if message_id:
        message["Message-ID"] = message_id
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for name, mime_type, data in attachments:
        # As bytes (base64): a calendar file's CRLF line endings arrive as they were written.
        message.add_attachment(data, *mime_type.split("/"), filename=name)
    BACKENDS[current_app.config["MAIL_BACKEND"]](message)


def send_receipt(order):
    # Receipts go out after the response, from `flask mail send` or reconcile, outside any
    # customer's request: links are built against the shop's public address.
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/receipt.txt", order=order, delivery=delivery,
                               download_url=download_url, download_days=DOWNLOAD_DAYS)
        # A ticket's session, for the customer's calendar.
        tickets = [(delivery.ticket_file_name(line), "text/calendar",
                    delivery.ticket_calendar(order, line))
                   for line in order.items if delivery.session(line)]
    # Sending is at least once (a crash after sending but before recording it sends again); one
    # Message-ID per order lets mail clients fold a repeat into the first.
    send(order.email, f"Your receipt for order #{order.id}", body,
         _message_id(f"receipt-{order.public_id}"), attachments=tickets)


def send_shipped(shipment):
    """A parcel is on its way: the carrier, the tracking link and what it holds."""
    order = shipment.order
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/shipped.txt", order=order, shipment=shipment,
                               left=delivery.to_ship(order))
    send(order.email, f"Your order #{order.id} has shipped", body,
         _message_id(f"shipped-{order.public_id}-{shipment.id}"))


def send_payment_failed(order):
    """A payment that failed after the customer left (a bank debit returned days later), with
    a link to pay the same order by card."""
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/payment_failed.txt", order=order, pay_url=pay_again_url(order))
    # One Message-ID per failure (an order may fail, be paid by bank again, and fail again).
    failures = sum(t.to_status == "failed" and t.from_status == "processing" for t in order.transitions)
    send(order.email, f"Your payment for order #{order.id} did not go through", body,
         _message_id(f"payment-failed-{order.public_id}-{failures}"))


def send_verify_microdeposits(order):
    """The bank account typed in must be verified before it is debited: Stripe has sent two
    small deposits (or one with a code); the email says when they arrive and links Stripe's page
    for entering them, so the customer who left the shop's page finds the way back."""
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/verify_microdeposits.txt", order=order,
                               verify_url=order.stripe_link)
    send(order.email, f"Verify your bank account to pay for order #{order.id}", body,
         _message_id(f"verify-microdeposits-{order.public_id}"))


def send_refund(refund):
    """A refund Stripe reports succeeded: how much went back and what remains paid. One per
    refund, so a second partial refund gets its own email (and its own Message-ID)."""
    order = refund.order
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/refund.txt", refund=refund)
    send(order.email, f"Your refund for order #{order.id}", body, _message_id(f"refund-{order.public_id}-{refund.id}"))


def send_sign_in_link(link):
    """A customer's one-time link to sign in (storefront/accounts/). The same message whether or
    not the address has an account yet: following the link makes one."""
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/sign_in.txt", url=sign_in_url(link),
                               minutes=links.SIGN_IN_MINUTES)
    send(link.email, f"Sign in to {current_app.config['SHOP_NAME']}", body,
         # Not the key itself: a header is no place for even half of a credential.
         _message_id(f"sign-in-{hashlib.sha256(link.key.encode()).hexdigest()[:24]}"))


def _message_id(local_part):
    return f"<{local_part}@{urlsplit(current_app.config['SHOP_URL']).hostname}>"
