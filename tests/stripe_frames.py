"""Playwright helpers for Stripe Elements and the 3-D Secure challenge.

They find things the way real Stripe puts them in a page (iframe titles, input names, the
modal whose src contains ``three-ds`` holding ``iframe#challengeFrame``), so the same tests can
drive js.stripe.com or the local emulator. Typing goes key by key (``press_sequentially``):
Stripe's own inputs reformat as they are typed and do not always accept ``fill``.
"""
import re
import time

CARD_NUMBER_TITLE = "Secure card number input frame"
CARD_EXPIRY_TITLE = "Secure expiration date input frame"
CARD_CVC_TITLE = "Secure CVC input frame"
CARD_TITLE = "Secure card payment input frame"
THREE_DS_MODAL = 'iframe[src*="three-ds"]'

NUMBER_INPUT = 'input[name="cardnumber"]'
EXPIRY_INPUT = 'input[name="exp-date"]'
CVC_INPUT = 'input[name="cvc"]'
POSTAL_INPUT = 'input[name="postal"]'


def _scope(page, container):
    if container is None:
        return page
    return page.locator(container) if isinstance(container, str) else container


def _frame(page, title, container=None):
    return _scope(page, container).locator(f'iframe[title="{title}"]').first.content_frame


def card_number(page, container=None):
    """The cardNumber Element's frame (FrameLocator); `container` narrows to one form."""
    return _frame(page, CARD_NUMBER_TITLE, container)


def card_expiry(page, container=None):
    return _frame(page, CARD_EXPIRY_TITLE, container)


def card_cvc(page, container=None):
    return _frame(page, CARD_CVC_TITLE, container)


def card_element(page, container=None):
    """The single card Element's frame (number, expiry, CVC and postal code in one)."""
    return _frame(page, CARD_TITLE, container)


def card_number_input(page, container=None):
    return card_number(page, container).locator(NUMBER_INPUT)


def card_expiry_input(page, container=None):
    return card_expiry(page, container).locator(EXPIRY_INPUT)


def card_cvc_input(page, container=None):
    return card_cvc(page, container).locator(CVC_INPUT)


def type_into(input_locator, text, delay=0):
    """Types into an input inside an Element frame, key by key."""
    input_locator.click()
    input_locator.press_sequentially(text, delay=delay)


def uses_card_element(page, container=None, timeout=15_000):
    """True for the single card Element, False for the split cardNumber/cardExpiry/cardCvc."""
    scope = _scope(page, container)
    either = scope.locator(f'iframe[title="{CARD_TITLE}"], iframe[title="{CARD_NUMBER_TITLE}"]')
    either.first.wait_for(state="attached", timeout=timeout)
    return scope.locator(f'iframe[title="{CARD_TITLE}"]').count() > 0


def fill_card(page, number, exp, cvc, postal=None, container=None, delay=0):
    """Types a card into the Elements on the page (split Elements or the card Element).

    `exp` as the customer types it, e.g. "12/34" or "1234". `postal` is typed only where the
    card Element shows a postal code field.
    """
    if uses_card_element(page, container):
        frame = card_element(page, container)
        type_into(frame.locator(NUMBER_INPUT), number, delay)
        type_into(frame.locator(EXPIRY_INPUT), exp, delay)
        type_into(frame.locator(CVC_INPUT), cvc, delay)
        if postal is not None:
            field = frame.locator(POSTAL_INPUT)
            if field.is_visible():
                field.click()
                field.press("ControlOrMeta+a")
                field.press_sequentially(postal, delay=delay)
        return
    type_into(card_number_input(page, container), number, delay)
    type_into(card_expiry_input(page, container), exp, delay)
    type_into(card_cvc_input(page, container), cvc, delay)


def three_ds_modal(page):
    """The modal iframe Stripe.js lays over the page for 3-D Secure (a Locator)."""
    return page.locator(THREE_DS_MODAL)


def three_ds_frame(page):
    """The bank's challenge page inside the 3-D Secure modal (FrameLocator)."""
    return page.locator(THREE_DS_MODAL).first.content_frame.locator(
        "iframe#challengeFrame"
    ).content_frame


def _button_pattern(labels):
    return re.compile(r"^\s*(" + "|".join(re.escape(label) for label in labels) + r")\s*$", re.I)


def _challenge_button(page, labels, timeout):
    """The challenge button labelled one of `labels`, directly in #challengeFrame or in the
    nested acsFrame some of Stripe's test pages use."""
    pattern = _button_pattern(labels)
    challenge = three_ds_frame(page)
    candidates = [
        challenge.get_by_role("button", name=pattern),
        challenge.locator('iframe[name="acsFrame"]').content_frame.get_by_role("button", name=pattern),
    ]
    deadline = time.monotonic() + timeout / 1000
    while True:
        for candidate in candidates:
            if candidate.count():
                return candidate.first
        if time.monotonic() > deadline:
            raise AssertionError(f"no 3-D Secure challenge button labelled {labels!r}")
        page.wait_for_timeout(50)


def _answer_3ds(page, labels, timeout):
    _challenge_button(page, labels, timeout).click()
    three_ds_modal(page).first.wait_for(state="detached", timeout=timeout)


def complete_3ds(page, timeout=15_000):
    """Approves the 3-D Secure challenge and waits until the modal has gone."""
    _answer_3ds(page, ("Complete", "Complete authentication"), timeout)


def fail_3ds(page, timeout=15_000):
    """Fails the 3-D Secure challenge and waits until the modal has gone."""
    _answer_3ds(page, ("Fail", "Fail authentication"), timeout)


# ---------- ACH Direct Debit: the bank dialog and the hosted microdeposit page ----------
#
# Stripe.js's collectBankAccountForPayment lays a modal iframe over the page whose src holds
# "linked-accounts" (js.stripe.com's Financial Connections frame; the emulator serves
# /v3/linked-accounts-inner.html). The labels below are the emulator's first; the others are
# those Stripe's own dialog has used, so the helpers try each in turn.

BANK_DIALOG = 'iframe[src*="linked-accounts"]'
AGREE_LABELS = ("Agree and continue", "Agree", "Continue")
TEST_BANK_LABELS = ("Test Institution", "Test (Non-OAuth)", "Test (OAuth)")
MANUAL_ENTRY_LABELS = ("Enter bank details manually", "Enter bank details manually instead",
                       "Enter account details manually instead")
LOG_IN_LABELS = ("Log in", "Sign in")
CONNECT_LABELS = ("Connect account", "Link account", "Connect accounts", "Link accounts")
SUBMIT_LABELS = ("Submit", "Continue")
DONE_LABELS = ("Done", "Back to")
HOSTED_VERIFY_LABELS = ("Verify account", "Verify")


def bank_dialog_frame(page):
    """The bank dialog's iframe element (a Locator)."""
    return page.locator(BANK_DIALOG)


def bank_dialog(page):
    """Inside the bank dialog (FrameLocator)."""
    return page.locator(BANK_DIALOG).first.content_frame


def _first_button(frame, labels, timeout, optional=False):
    """The first button (or link) whose name starts with one of `labels`, once it shows."""
    pattern = re.compile(r"^\s*(" + "|".join(re.escape(label) for label in labels) + r")",
                         re.I)
    candidates = [frame.get_by_role("button", name=pattern),
                  frame.get_by_role("link", name=pattern)]
    deadline = time.monotonic() + timeout / 1000
    while True:
        for candidate in candidates:
            visible = candidate.filter(visible=True)
            if visible.count():
                return visible.first
        if time.monotonic() > deadline:
            if optional:
                return None
            raise AssertionError(f"no button labelled {labels!r} in the bank dialog")
        time.sleep(0.05)


def _finish_bank_dialog(page, dialog, timeout):
    _first_button(dialog, DONE_LABELS, timeout).click()
    bank_dialog_frame(page).first.wait_for(state="detached", timeout=timeout)


def link_test_bank(page, account="Success", timeout=15_000):
    """Instant verification: agree, pick the test bank, log in, choose `account`, connect,
    and wait until the dialog has closed."""
    dialog = bank_dialog(page)
    _first_button(dialog, AGREE_LABELS, timeout).click()
    _first_button(dialog, TEST_BANK_LABELS, timeout).click()
    log_in = _first_button(dialog, LOG_IN_LABELS, 2_000, optional=True)
    if log_in is not None:
        log_in.click()
    choice = dialog.get_by_role("radio", name=account, exact=True)
    if not choice.count():
        choice = dialog.get_by_role("checkbox", name=account, exact=True)
    choice.first.check(timeout=timeout)
    _first_button(dialog, CONNECT_LABELS, timeout).click()
    _finish_bank_dialog(page, dialog, timeout)


def enter_bank_details(page, routing_number, account_number, confirmation=None,
                       timeout=15_000, finish=True):
    """Manual entry: agree, choose to type the details, fill and submit them; with `finish`,
    also close the dialog with "Done" (leave it open to check an error message)."""
    dialog = bank_dialog(page)
    _first_button(dialog, AGREE_LABELS, timeout).click()
    _first_button(dialog, MANUAL_ENTRY_LABELS, timeout).click()
    dialog.get_by_label("Routing number", exact=True).fill(routing_number)
    dialog.get_by_label("Account number", exact=True).fill(account_number)
    dialog.get_by_label("Confirm account number", exact=True).fill(
        account_number if confirmation is None else confirmation)
    _first_button(dialog, SUBMIT_LABELS, timeout).click()
    if finish:
        _finish_bank_dialog(page, dialog, timeout)


def bank_dialog_error(page):
    """The error the bank dialog shows (role=alert), as a Locator."""
    return bank_dialog(page).get_by_role("alert").filter(visible=True)


def close_bank_dialog(page, timeout=15_000):
    """The customer closes the dialog without linking an account."""
    bank_dialog(page).get_by_role("button", name="Close").click()
    bank_dialog_frame(page).first.wait_for(state="detached", timeout=timeout)


def verify_on_hosted_page(page, url, descriptor_code=None, amounts=None):
    """Opens next_action.verify_with_microdeposits.hosted_verification_url and submits the
    descriptor code or the two amounts (cents), as a customer does from Stripe's email."""
    page.goto(url)
    if descriptor_code is not None:
        page.get_by_label("Descriptor code").fill(descriptor_code)
    else:
        first, second = amounts
        page.get_by_label("Amount 1").fill(str(first))
        page.get_by_label("Amount 2").fill(str(second))
    _first_button(page, HOSTED_VERIFY_LABELS, 15_000).click()
