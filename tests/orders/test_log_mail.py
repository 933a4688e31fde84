"""The "log" mail backend (`make run`'s) writes every email to the log, a ticket's with its
calendar file attached too, instead of failing it and leaving the receipt to retry forever."""
import logging
from email.message import EmailMessage

from storefront.orders import mail


def test_the_log_backend_logs_a_message_with_an_attachment(caplog):
    message = EmailMessage()
    message["To"], message["Subject"] = "ada@example.com", "Your receipt for order #2"
    message.set_content("Letterpress workshop ticket: $45.00\n")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text",
                           subtype="calendar", filename="workshop.ics")
    with caplog.at_level(logging.INFO, logger=mail.log.name):
        mail._send_log(message)
    assert "Letterpress workshop ticket: $45.00" in caplog.text
    assert "Attached: workshop.ics" in caplog.text
