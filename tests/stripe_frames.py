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
