"""The three checkout layouts share one JavaScript and one set of views: each takes a payment."""
import pytest
from playwright.sync_api import expect

from storefront.catalog.products import LAYOUTS
from storefront.models import Product
from storefront.web.extensions import db
from tests import stripe_frames
from tests.e2e.checkout_page import open_product, pay, receipt_url

pytestmark = pytest.mark.e2e


def set_layout(app, slug, layout):
    with app.app_context():
        db.session.scalar(db.select(Product).filter_by(slug=slug)).layout = layout
        db.session.commit()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_takes_a_payment(page, shop, app, orders, layout, console_errors):
    set_layout(app, "organic-tee", layout)
    open_product(page, shop, "organic-tee")
    expect(page.locator("#checkout")).to_have_class(f"checkout checkout--{layout}")
    assert stripe_frames.uses_card_element(page) == (layout == "single")
    containers = page.locator("[data-stripe-element]")
    expect(containers).to_have_count(1 if layout == "single" else 3)

    # An empty field left behind says what is missing, in its own error line.
    first = stripe_frames.card_element(page) if layout == "single" else stripe_frames.card_number(page)
    first.locator(stripe_frames.NUMBER_INPUT).click()
    page.locator("#email").click()
    error = page.locator("#card-element-error" if layout == "single" else "#card-number-error")
    expect(error).to_have_text("Enter your card details." if layout == "single" else "Enter your card number.")

    pay(page, "4242424242424242")
    page.wait_for_url(receipt_url())
    [order] = orders()
    assert order.status == "paid"
    assert console_errors == []


def card_boxes(page, layout):
    """The number, expiry and CVC boxes on the screen ({left, top, right} each) and the box they
    must stay inside: the single card Element's frame, or the pay panel."""
    if layout == "single":
        frame = page.locator("#card-element iframe")
        origin = frame.bounding_box()
        inner = frame.element_handle().content_frame().evaluate("""() => ["number", "expiry", "cvc"]
            .map(k => document.querySelector(".CardField-" + k).getBoundingClientRect())
            .map(r => ({left: r.left, top: r.top, right: r.right}))""")
        boxes = [{"left": origin["x"] + b["left"], "top": origin["y"] + b["top"],
                  "right": origin["x"] + b["right"]} for b in inner]
        return boxes, origin
    boxes = [page.locator(f"#card-{key}").bounding_box() for key in ("number", "expiry", "cvc")]
    return [{"left": b["x"], "top": b["y"], "right": b["x"] + b["width"]} for b in boxes], \
        page.locator(".payment").bounding_box()


def text_fits(page, layout):
    """Whether what the customer typed shows whole: the expiry and CVC never cut, the number
    whole or, in the one card Element, collapsed to its last four digits (as Stripe's does)."""
    if layout == "single":
        frame = page.locator("#card-element iframe").element_handle().content_frame()
        return frame.wait_for_function("""() => {
            const fits = e => e.scrollWidth <= e.clientWidth;
            const [number, expiry, cvc] = ["cardnumber", "exp-date", "cvc"].map(
                n => document.querySelector(`input[name="${n}"]`));
            const last4 = document.querySelector(".CardField-number-fakeNumber-last4");
            const collapsed = last4 && last4.offsetWidth > 0 && last4.textContent === "4242"
                && last4.getBoundingClientRect().right <= number.parentElement.getBoundingClientRect().right;
            return fits(expiry) && fits(cvc) && (fits(number) || collapsed);
        }""", timeout=5000)
    for field in (stripe_frames.card_number_input, stripe_frames.card_expiry_input, stripe_frames.card_cvc_input):
        assert field(page).evaluate("e => e.scrollWidth <= e.clientWidth"), field.__name__


@pytest.mark.parametrize("layout", LAYOUTS)
def test_card_fields_fit_and_align_on_a_phone(page, shop, app, layout):
    """At 320, 360 and 390 px the number, expiry and CVC boxes are all on screen, none cut
    off, the expiry and CVC side by side (the one card Element: all three in its one row)."""
    set_layout(app, "organic-tee", layout)
    page.set_viewport_size({"width": 390, "height": 900})
    open_product(page, shop, "organic-tee")
    page.fill("#email", "ada@example.com")
    stripe_frames.fill_card(page, "4242424242424242", "12/34", "123")
    page.locator("#email").focus()
    for width in (390, 360, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(f"() => document.documentElement.clientWidth === {width}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        text_fits(page, layout)
        (number, expiry, cvc), inside = card_boxes(page, layout)
        for name, box in {"number": number, "expiry": expiry, "cvc": cvc}.items():
            assert inside["x"] - 0.5 <= box["left"] < box["right"] <= inside["x"] + inside["width"] + 0.5, \
                f"{layout} at {width}px: the {name} box is cut off"
        assert abs(expiry["top"] - cvc["top"]) <= 1, f"{layout} at {width}px: CVC not beside the expiry"
        assert expiry["left"] < cvc["left"]
        if layout == "single":
            assert abs(number["top"] - expiry["top"]) <= 1 and number["right"] <= expiry["left"]
