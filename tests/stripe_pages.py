"""Playwright helpers for Stripe's Checkout page: hosted (the session's `url`) or embedded (the
frame `stripe.initEmbeddedCheckout(...).mount()` puts in the shop's page).

Written against the local Stripe's stand-in page: an "Email" field, the card Elements' frames
(found as tests/stripe_frames.py finds them), a "Pay" button, errors in an alert, a "Back" link
to the cancel URL. `scope` is the page for hosted Checkout, `embedded_checkout(page)` for the
embedded one.
"""
import re
import time

from tests import stripe_frames

EMBEDDED_TITLE = "Embedded Checkout"
EXPIRED_HEADING = "This checkout session has expired"


def embedded_checkout(page):
    """The embedded Checkout's frame in the shop's page (a FrameLocator)."""
    return page.locator(f'iframe[title="{EMBEDDED_TITLE}"]').content_frame


def pay_button(scope):
    return scope.get_by_role("button", name=re.compile(r"^\s*Pay\b"))


def payment_error(scope):
    """Where the page shows a decline or a field's error (role=alert)."""
    return scope.locator(".Checkout-error[role=alert]")


def back_link(scope):
    """Checkout's link back to the shop (the session's cancel_url)."""
    return scope.get_by_role("link", name="Back")


def total(scope):
    """The amount due as the page shows it, e.g. "€29.50"."""
    return scope.locator(".Checkout-total")


def line_items(scope):
    """[(name, quantity text, amount text)] of the order summary."""
    rows = scope.get_by_role("list", name="Your order").get_by_role("listitem")
    return [(row.locator(".Checkout-item-name").inner_text(),
             row.locator(".Checkout-item-quantity").inner_text(),
             row.locator(".Checkout-item-amount").inner_text()) for row in rows.all()]


def fill_checkout(scope, number, exp="12/34", cvc="123", email="jenny@example.com"):
    """Types the email (unless the session fixed it) and the card; does not press Pay."""
    pay_button(scope).wait_for()
    field = scope.get_by_label("Email")
    if email and field.is_editable():
        field.fill(email)
    stripe_frames.fill_card(scope, number, exp, cvc)


def pay(scope, number, exp="12/34", cvc="123", email="jenny@example.com"):
    """Fills the page and presses Pay (a 3-D Secure card then shows its challenge)."""
    fill_checkout(scope, number, exp, cvc, email)
    button = pay_button(scope)
    _wait_enabled(button)
    button.click()


def answer_3ds(scope, outcome="Complete", timeout=15_000):
    """Answers the 3-D Secure challenge shown over the Checkout page (`outcome`: "Complete" or
    "Fail") and waits until the modal has gone."""
    modal = scope.locator(stripe_frames.THREE_DS_MODAL)
    challenge = modal.first.content_frame.locator("iframe#challengeFrame").content_frame
    challenge.get_by_role("button", name=outcome, exact=True).click(timeout=timeout)
    modal.first.wait_for(state="detached", timeout=timeout)


def _wait_enabled(button, timeout=15):
    """The Pay button is enabled once the card Elements are ready."""
    deadline = time.monotonic() + timeout
    while not button.is_enabled():
        if time.monotonic() > deadline:
            raise AssertionError("the Pay button stayed disabled")
        time.sleep(0.05)
