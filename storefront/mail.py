"""Sending email through a pluggable backend, chosen by MAIL_BACKEND:
"log" (development: the message goes to the log), "memory" (tests), "smtp" (production)."""
import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template

log = logging.getLogger(__name__)
OUTBOX = "mail_outbox"


def _send_log(message):
    log.info("Email to %s: %s\n%s", message["To"], message["Subject"], message.get_content())


def _send_memory(message):
    current_app.extensions.setdefault(OUTBOX, []).append(message)


def _send_smtp(message):
    url = urlsplit(current_app.config["SMTP_URL"])  # smtp://user:password@host:port
    with smtplib.SMTP(url.hostname, url.port or 587, timeout=20) as smtp:
        smtp.starttls()
        if url.username:
            smtp.login(url.username, url.password or "")
        smtp.send_message(message)


BACKENDS = {"log": _send_log, "memory": _send_memory, "smtp": _send_smtp}


def send(to, subject, body, message_id=None):
    message = EmailMessage()
    if message_id:
        message["Message-ID"] = message_id
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    BACKENDS[current_app.config["MAIL_BACKEND"]](message)


def send_receipt(order):
    # Webhooks and `flask orders reconcile` send receipts too, outside any customer's request:
    # links are built against the shop's public address.
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/receipt.txt", order=order)
    # Sending is at least once (a crash after sending but before recording it sends again); one
    # Message-ID per order lets mail clients fold a repeat into the first.
    host = urlsplit(current_app.config["SHOP_URL"]).hostname
    send(order.email, f"Your receipt for order #{order.id}", body, f"<receipt-{order.public_id}@{host}>")


def send_payment_failed(order, pay_url):
    """A payment that failed after the customer left (a bank debit returned days later), with
    a link to pay the same order by card."""
    with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
        body = render_template("email/payment_failed.txt", order=order, pay_url=pay_url)
    send(order.email, f"Your payment for order #{order.id} did not go through", body)
