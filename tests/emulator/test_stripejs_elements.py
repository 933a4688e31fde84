"""The card Elements of the emulator's Stripe.js, driven in Chromium on a host page with a
strict CSP, through the same frame helpers the storefront's tests use."""
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests import stripe_frames as sf
from tests.emulator.stripejs_page.fixtures import emulator, host, host_page, problems  # noqa: F401

pytestmark = pytest.mark.e2e


def events(page, event="change", element=None):
    return page.evaluate(
        "([event, element]) => window.events.filter("
        "e => e.event === event && (!element || e.elementType === element))",
        [event, element],
    )


def expect_change(page, element, timeout=5.0, **expected):
    """The element's latest change payload, once it has the `expected` items: payloads come
    from the frames by postMessage, a moment after the keystroke."""
    deadline = time.monotonic() + timeout
    while True:
        changes = events(page, "change", element)
        last = changes[-1] if changes else None
        if last is not None and all(last.get(k) == v for k, v in expected.items()):
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"last {element} change {last!r} lacks {expected!r}")
        page.wait_for_timeout(20)


def test_stripe_js_is_served_as_javascript(emulator):
    for path in ("/v3/", "/v3"):
        response = requests.get(emulator.url + path, timeout=5)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/javascript")
        assert "window.Stripe" in response.text


def test_elements_follow_stripes_dom_contract(host_page, emulator):
    page = host_page
    titles = {
        "#card-number": sf.CARD_NUMBER_TITLE,
        "#card-expiry": sf.CARD_EXPIRY_TITLE,
        "#card-cvc": sf.CARD_CVC_TITLE,
        "#card-element": sf.CARD_TITLE,
    }
    for container, title in titles.items():
        frame = page.locator(f"{container} iframe")
        expect(frame).to_have_attribute("title", title)
        expect(frame).to_have_attribute("name", re.compile(r"^__privateStripeFrame\d+$"))
        expect(frame).to_have_attribute("frameborder", "0")
        expect(frame).to_have_attribute("allowtransparency", "true")
        expect(frame).to_have_attribute("scrolling", "no")
        expect(frame).to_have_attribute("src", re.compile("^" + re.escape(emulator.url)))
        expect(page.locator(container)).to_have_class(re.compile(r"\bStripeElement\b.*\bStripeElement--empty\b"))
    controller = page.locator('iframe[name^="__privateStripeController"]')
    expect(controller).to_have_count(1)
    expect(controller).to_be_hidden()

    number = sf.card_number_input(page)
    expect(number).to_have_attribute("placeholder", "Card number")
    expect(number).to_have_attribute("autocomplete", "cc-number")
    expect(number).to_have_attribute("inputmode", "numeric")
    expect(sf.card_expiry_input(page)).to_have_attribute("placeholder", "MM / YY")
    expect(sf.card_cvc_input(page)).to_have_attribute("placeholder", "CVV")  # the placeholder option
    card = sf.card_element(page)
    for name in ("cardnumber", "exp-date", "cvc", "postal"):
        expect(card.locator(f'input[name="{name}"]')).to_be_visible()
    expect(card.locator('input[name="postal"]')).to_have_value("94110")  # value option

    # The style option reaches inside the frame; the frame is sized to its content (lineHeight 24px).
    assert number.evaluate("e => getComputedStyle(e).color") == "rgb(17, 34, 51)"
    assert number.evaluate("e => getComputedStyle(e).fontSize") == "18px"
    assert number.evaluate("e => getComputedStyle(e, '::placeholder').color") == "rgb(119, 136, 153)"
    height = page.locator("#card-number iframe").evaluate("e => e.getBoundingClientRect().height")
    assert height == pytest.approx(24, abs=0.5)

    # The host page cannot look inside.
    assert page.evaluate("() => document.querySelector('#card-number iframe').contentDocument") is None


def test_elements_group_api(host_page):
    result = host_page.evaluate(
        """() => {
            const split = harness.groups.split;
            let duplicate;
            try { split.create('cardNumber'); } catch (e) { duplicate = [e.name, e.message]; }
            let mixed;
            try { split.create('card'); } catch (e) { mixed = [e.name, e.message]; }
            return {
                same: split.getElement('cardNumber') === harness.elements.cardNumber,
                missing: harness.groups.card.getElement('cardNumber'),
                duplicate, mixed,
            };
        }"""
    )
    assert result["same"] is True
    assert result["missing"] is None
    assert result["duplicate"] == ["IntegrationError", "Can only create one Element of type cardNumber."]
    assert result["mixed"] == [
        "IntegrationError",
        "Cannot create an Element of type card after an Element of type cardNumber has already been created.",
    ]


def clear(page, element):
    page.evaluate("name => harness.elements[name].clear()", element)


def test_card_number_is_formatted_branded_and_luhn_checked(host_page):
    page = host_page
    number = sf.card_number_input(page)
    container = page.locator("#card-number")

    sf.type_into(number, "4242424242424242")
    expect(number).to_have_value("4242 4242 4242 4242")
    change = expect_change(page, "cardNumber", complete=True)
    assert change == {
        "event": "change", "elementType": "cardNumber", "empty": False, "complete": True,
        "brand": "visa", "error": None, "value": None,  # undefined in the page
    }
    expect(container).to_have_class(re.compile(r"\bStripeElement--complete\b"))
    expect(container).not_to_have_class(re.compile(r"StripeElement--(empty|invalid)\b"))
    assert number.evaluate("e => getComputedStyle(e).color") == "rgb(0, 128, 0)"  # style.complete

    clear(page, "cardNumber")
    expect(container).to_have_class(re.compile(r"\bStripeElement--empty\b"))
    sf.type_into(number, "4242424242424241")
    expect_change(page, "cardNumber", empty=False, complete=False, error={
        "type": "validation_error", "code": "incorrect_number",
        "message": "Your card number is invalid.",
    })
    expect(container).to_have_class(re.compile(r"\bStripeElement--invalid\b"))
    assert number.evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"  # style.invalid

    brands = {
        "378282246310005": ("amex", "3782 822463 10005"),
        "5555555555554444": ("mastercard", "5555 5555 5555 4444"),
        "6011111111111117": ("discover", "6011 1111 1111 1117"),
        "36227206271667": ("diners", "3622 720627 1667"),
        "3566002020360505": ("jcb", "3566 0020 2036 0505"),
        "6200000000000005": ("unionpay", "6200 0000 0000 0005"),
        "9999": ("unknown", "9999"),
    }
    for typed, (brand, shown) in brands.items():
        clear(page, "cardNumber")
        sf.type_into(number, typed)
        expect(number).to_have_value(shown)
        expect_change(page, "cardNumber", brand=brand)


def test_incomplete_errors_wait_for_blur_invalid_ones_do_not(host_page):
    page = host_page
    number, expiry, cvc = sf.card_number_input(page), sf.card_expiry_input(page), sf.card_cvc_input(page)

    sf.type_into(number, "4242")
    expect(number).to_have_value("4242")
    expect_change(page, "cardNumber", empty=False, error=None)  # still typing: no error yet
    sf.type_into(expiry, "13")  # leaving the card number shows its error
    expect_change(page, "cardNumber", complete=False, error={
        "type": "validation_error", "code": "incomplete_number",
        "message": "Your card number is incomplete.",
    })
    expect(page.locator("#card-number")).to_have_class(re.compile(r"\bStripeElement--invalid\b"))
    expect(expiry).to_have_value("13 / ")
    expect_change(page, "cardExpiry", error={
        "type": "validation_error", "code": "invalid_expiry_month",
        "message": "Your card's expiration month is invalid.",
    })

    clear(page, "cardExpiry")
    sf.type_into(expiry, "1220")
    expect_change(page, "cardExpiry", error={
        "type": "validation_error", "code": "invalid_expiry_year_past",
        "message": "Your card's expiration year is in the past.",
    })
    clear(page, "cardExpiry")
    sf.type_into(expiry, "12/3")
    expect(expiry).to_have_value("12 / 3")
    expect_change(page, "cardExpiry", empty=False, error=None)
    sf.type_into(cvc, "12")
    expect_change(page, "cardExpiry", error={
        "type": "validation_error", "code": "incomplete_expiry",
        "message": "Your card's expiration date is incomplete.",
    })
    expect_change(page, "cardCvc", empty=False, error=None)
    page.locator("#name").click()  # blur the CVC
    expect_change(page, "cardCvc", error={
        "type": "validation_error", "code": "incomplete_cvc",
        "message": "Your card's security code is incomplete.",
    })
    expect(page.locator("#card-cvc")).to_have_class(re.compile(r"\bStripeElement--invalid\b"))

    # Completing the field clears the error; Amex takes a 4-digit CVC.
    clear(page, "cardNumber")
    sf.type_into(number, "378282246310005")
    clear(page, "cardCvc")
    sf.type_into(cvc, "12345")
    expect(cvc).to_have_value("1234")
    expect_change(page, "cardCvc", complete=True, error=None)
    expect(page.locator("#card-cvc")).to_have_class(re.compile(r"\bStripeElement--complete\b"))


def test_focus_blur_events_and_tab_order_across_frames(host_page):
    page = host_page
    number, expiry = sf.card_number_input(page), sf.card_expiry_input(page)
    number.click()
    expect(page.locator("#card-number")).to_have_class(re.compile(r"\bStripeElement--focus\b"))
    page.keyboard.press("Tab")
    expect(expiry).to_be_focused()
    page.keyboard.press("Tab")
    expect(sf.card_cvc_input(page)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(expiry).to_be_focused()
    page.wait_for_function(
        "() => window.events.filter(e => e.event === 'blur' && e.elementType === 'cardNumber').length"
    )
    assert {"event": "focus", "elementType": "cardNumber"} in events(page, "focus")
    assert {"event": "blur", "elementType": "cardNumber"} in events(page, "blur")
    expect(page.locator("#card-number")).not_to_have_class(re.compile(r"StripeElement--focus"))

    # element.focus() and a <label for> reach into the frame.
    page.evaluate("() => harness.elements.cardCvc.focus()")
    expect(sf.card_cvc_input(page)).to_be_focused()
    page.evaluate("() => harness.elements.cardCvc.blur()")
    expect(sf.card_cvc_input(page)).not_to_be_focused()
    expect(page.locator("#card-cvc")).not_to_have_class(re.compile(r"StripeElement--focus"))
    page.get_by_text("Card number", exact=True).click()
    expect(number).to_be_focused()


def test_card_element_payload_classes_and_auto_advance(host_page):
    page = host_page
    frame = sf.card_element(page)
    sf.type_into(frame.locator(sf.NUMBER_INPUT), "4242424242424242")
    expect(frame.locator(sf.EXPIRY_INPUT)).to_be_focused()  # moves on when the number is complete
    page.keyboard.type("1234")
    expect(frame.locator(sf.CVC_INPUT)).to_be_focused()
    page.keyboard.press("Backspace")  # in an empty field: back into the expiry
    expect(frame.locator(sf.EXPIRY_INPUT)).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    change = expect_change(page, "card", complete=True)
    assert change == {
        "event": "change", "elementType": "card", "empty": False, "complete": True,
        "brand": "visa", "value": {"postalCode": "94110"}, "error": None,
    }
    expect(page.locator("#card-element")).to_have_class(re.compile(r"\bis-done\b"))  # classes option
    expect(page.locator("#card-element")).not_to_have_class(re.compile(r"StripeElement--complete"))

    page.evaluate("""() => harness.elements.card.update({
        hidePostalCode: true,
        style: {base: {fontSize: '20px'}, complete: {color: 'rgb(1, 2, 3)'}},
    })""")
    expect(frame.locator(sf.POSTAL_INPUT)).to_be_hidden()
    expect(frame.locator(sf.NUMBER_INPUT)).to_have_css("color", "rgb(1, 2, 3)")
    expect(frame.locator(sf.EXPIRY_INPUT)).to_have_css("font-size", "20px")
    expect(frame.locator(sf.EXPIRY_INPUT)).to_have_css("font-family", "Georgia, serif")  # kept
    expect_change(page, "card", value={"postalCode": ""}, complete=True)


def test_once_off_unmount_remount_and_destroy(host_page):
    page = host_page
    counts = page.evaluate(
        """async () => {
            const el = harness.elements.cardCvc;
            let once = 0, on = 0, removed = 0;
            const counted = () => removed++;
            el.once('change', () => once++);
            el.on('change', () => on++);
            el.on('change', counted);
            el.off('change', counted);
            el.clear();
            el.clear();
            while (on < 2) await new Promise(r => setTimeout(r, 10));
            return {once, on, removed};
        }"""
    )
    assert counts == {"once": 1, "on": 2, "removed": 0}

    page.evaluate("() => harness.elements.cardExpiry.unmount()")
    expect(page.locator("#card-expiry iframe")).to_have_count(0)
    expect(page.locator("#card-expiry")).to_have_attribute("class", "field")
    # Mounted into a container that joins the document only afterwards.
    page.evaluate("""() => {
        const later = document.createElement('div');
        later.id = 'card-expiry-later';
        harness.elements.cardExpiry.mount(later);
        document.getElementById('split-form').appendChild(later);
    }""")
    sf.type_into(sf.card_expiry_input(page), "1234")
    expect_change(page, "cardExpiry", complete=True)
    expect(page.locator("#card-expiry-later")).to_have_class(re.compile(r"\bStripeElement--complete\b"))

    page.evaluate("() => harness.elements.cardCvc.destroy()")
    expect(page.locator("#card-cvc iframe")).to_have_count(0)
    error = page.evaluate(
        "() => { try { harness.elements.cardCvc.mount('#card-cvc'); } catch (e) { return e.message; } }"
    )
    assert error == "This Element has already been destroyed. Please create a new one."
    page.evaluate("() => harness.groups.split.create('cardCvc').mount('#card-cvc')")
    expect(sf.card_cvc_input(page)).to_be_visible()
