"""Playwright helpers for the Stripe-hosted pages a shop sends people to (the local Stripe's
stand-ins for them): Checkout's payment page, hosted or embedded, and the Connect onboarding
page an Account Link opens.

Checkout: the session's `url` (hosted) or the frame `stripe.initEmbeddedCheckout(...).mount()`
puts in the shop's page (`embedded_checkout(page)`); `scope` is the page or that frame. The
stand-in shows the order ("Your order" list, `.Checkout-total`), an "Email" field, a "Payment
method" choice when the session offers a bank account, the card Elements' frames (found as
tests/stripe_frames.py finds them), a "Pay" button, errors in an alert, and a "Back" link to the
cancel URL. Real Stripe's Checkout page is a different form and cannot be driven by these.

Onboarding: a heading "Set up your account", the account id in `#account-id`, the
requirements still due as `#currently-due li`, and two buttons: "Complete onboarding" (nothing
left due: charges and payouts enabled, capabilities active) and "Leave incomplete" (the bank
account and terms stay due). Either sends the browser on to the link's `return_url`; opening a
used or expired link sends it to `refresh_url`. Real Stripe's hosted onboarding is a different
form and cannot be driven by these helpers.
"""
import re

from tests import stripe_frames
from tests.waiting import wait_for

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


def fill_shipping(scope, name="Jenny Rosen", line1="510 Townsend St", city="Springfield",
                  state="IL", postal_code="62701"):
    """Types a shipping address where the session collects one (in its first allowed country)."""
    address = scope.get_by_role("group", name="Shipping address")
    if not address.count():
        return
    for label, value in (("Full name", name), ("Address line 1", line1), ("City", city),
                         ("State, province or region", state), ("Postal code", postal_code)):
        address.get_by_label(label, exact=True).fill(value)


def fill_checkout(scope, number, exp="12/34", cvc="123", email="jenny@example.com"):
    """Types the email (unless the session fixed it), the shipping address where the session asks
    for one, and the card; does not press Pay."""
    pay_button(scope).wait_for()
    field = scope.get_by_label("Email")
    if email and field.is_editable():
        field.fill(email)
    fill_shipping(scope)
    stripe_frames.fill_card(scope, number, exp, cvc)


def pay(scope, number, exp="12/34", cvc="123", email="jenny@example.com"):
    """Fills the page and presses Pay (a 3-D Secure card then shows its challenge)."""
    fill_checkout(scope, number, exp, cvc, email)
    button = pay_button(scope)
    wait_for(button.is_enabled, "the Pay button enabled (the card Elements ready)")
    button.click()


def choose_payment_method(scope, name):
    """Picks "Card" or "US bank account" where the session offers both."""
    scope.get_by_role("group", name="Payment method").get_by_role(
        "radio", name=name, exact=True).check()


def pay_by_bank(scope, holder="Jenny Rosen", email="jenny@example.com"):
    """Chooses the bank account, types the holder's name and presses Pay: the bank dialog
    opens (drive it with tests/stripe_frames.py's link_test_bank or enter_bank_details)."""
    pay_button(scope).wait_for()
    field = scope.get_by_label("Email")
    if email and field.is_editable():
        field.fill(email)
    fill_shipping(scope)
    choose_payment_method(scope, "US bank account")
    scope.get_by_label("Account holder's full name").fill(holder)
    pay_button(scope).click()


def answer_3ds(scope, outcome="Complete", timeout=15_000):
    """Answers the 3-D Secure challenge shown over the Checkout page (`outcome`: "Complete" or
    "Fail") and waits until the modal has gone."""
    modal = scope.locator(stripe_frames.THREE_DS_MODAL)
    challenge = modal.first.content_frame.locator("iframe#challengeFrame").content_frame
    challenge.get_by_role("button", name=outcome, exact=True).click(timeout=timeout)
    modal.first.wait_for(state="detached", timeout=timeout)


# Connect onboarding

ONBOARDING_HEADING = "Set up your account"
COMPLETE_BUTTON = "Complete onboarding"
INCOMPLETE_BUTTON = "Leave incomplete"


def onboarding_account(page):
    """The connected account id the open onboarding page is for."""
    return page.locator("#account-id").inner_text()


def onboarding_requirements(page):
    """The requirements the open onboarding page lists as due (`requirements.currently_due`)."""
    return page.locator("#currently-due li").all_inner_texts()


def _answer(page, button, return_url, timeout):
    page.get_by_role("heading", name=ONBOARDING_HEADING).wait_for(timeout=timeout)
    page.get_by_role("button", name=button).click()
    if return_url is not None:
        page.wait_for_url(re.compile("^" + re.escape(return_url)), timeout=timeout)


def complete_onboarding(page, return_url=None, timeout=15_000):
    """Finishes onboarding on the open page; waits for `return_url` when given."""
    _answer(page, COMPLETE_BUTTON, return_url, timeout)


def leave_onboarding_incomplete(page, return_url=None, timeout=15_000):
    """Leaves the open onboarding page with requirements still due; waits for `return_url`."""
    _answer(page, INCOMPLETE_BUTTON, return_url, timeout)
