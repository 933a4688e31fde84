"""What a customer's browser sees, in Debian's chromium through Playwright: the checkout page's
weight, the price-update round trip, the time from Pay to the receipt, and the Stripe calls each
of those makes according to the local Stripe's request log."""
import contextlib
import json
import os
import re
import shutil
import statistics
import time
import urllib.request

from playwright.sync_api import sync_playwright

from bench import servers
from tests import stripe_frames

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As in tests/conftest.py: Debian's chromium, nothing running in the background.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PRODUCT = "letterpress-workshop"
# The page weighed: a product that ships, so its first visit carries the shipping address panel.
SHIPPED_PRODUCT = "city-lights-poster"
# The countries a customer picks in turn: each differs from the one before, and each is priced.
COUNTRIES = ("CA", "US", "GB", "AU", "JP", "DE")
CARD = "4242424242424242"
THREE_DS_CARD = "4000002760003184"
RECEIPT = re.compile(r"/orders/[\w-]+$")

# One change of a field (`id`) to `value` as a customer makes it (htmx re-prices on `change`),
# then the wait for the text at `watched` to change and the frame showing it to be painted: the
# quantity and the new total, or the country and the shipping line. The frame's
# requestAnimationFrame runs just before the paint; a message posted from it arrives just after.
CHANGE_PAINTED = """async ([id, value, watched]) => {
  const text = () => document.querySelector(watched)?.textContent || '';
  const before = text();
  const painted = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (text() === before) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    });
    observer.observe(document.querySelector('.checkout__pay'),
                     {childList: true, subtree: true, characterData: true});
    setTimeout(() => reject(new Error(`${watched} did not change`)), 5000);
  });
  const field = document.getElementById(id);
  const started = performance.now();
  field.value = String(value);
  field.dispatchEvent(new Event('change', {bubbles: true}));
  return (await painted) - started;
}"""
HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
# Pay → receipt is measured in the page's own clock, across the navigation: the click's time is
# kept in sessionStorage, and the receipt's first contentful paint ends the measure.
MARK_PAY_CLICK = """() => document.querySelector('[data-pay-button]').addEventListener('click',
  () => sessionStorage.setItem('payClickedAt', performance.timeOrigin + performance.now()),
  {capture: true})"""
SINCE_PAY_CLICK = """async () => {
  const paint = await new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entry = list.getEntries().find((e) => e.name === 'first-contentful-paint');
      if (entry) resolve(entry.startTime);
    }).observe({type: 'paint', buffered: true});
    setTimeout(() => resolve(performance.now()), 3000);
  });
  return performance.timeOrigin + paint - Number(sessionStorage.getItem('payClickedAt'));
}"""
RENDER_BLOCKING = """() => performance.getEntriesByType('resource')
  .filter((entry) => entry.renderBlockingStatus === 'blocking')
  .map((entry) => ({url: entry.name, initiator: entry.initiatorType}))"""


class StripeLog:
    """The local Stripe's request log and webhook deliveries, read from a starting point."""

    def __init__(self, stripe_url):
        self.url = stripe_url
        self.start()

    def _get(self, what):
        with urllib.request.urlopen(f"{self.url}/_emulator/{what}") as response:
            return json.load(response)

    def start(self):
        self.requests_start = len(self._get("requests"))
        self.deliveries_start = len(self._get("deliveries"))

    def calls(self, key_kind):
        return [entry for entry in self._get("requests")[self.requests_start:]
                if entry["key_kind"] == key_kind]

    def wait_for_webhook(self, event_type, timeout=10):
        """Until the shop has answered the first delivery of `event_type`, so that any Stripe
        call its handler makes is counted with the order's. Returns that delivery's outcome."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for delivery in self._get("deliveries")[self.deliveries_start:]:
                if delivery["type"] == event_type:
                    return delivery["outcome"]
            time.sleep(0.05)
        raise RuntimeError(f"no {event_type} webhook was sent to the shop")


def open_checkout(context, shop_url, product=PRODUCT):
    page = context.new_page()
    page.goto(f"{shop_url}/p/{product}")
    stripe_frames.card_number_input(page).wait_for()  # Stripe.js has mounted the card fields
    return page


def gzip_size(url):
    """Bytes of the response body as the shop sends it to a client that accepts gzip."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as response:
        return len(response.read())


def page_weight(browser, shop_url):
    """First-party requests of a first visit (empty cache), and their bytes as gzip sends them.

    Stripe.js and its frames come from another origin and are left out, as they are from the
    budget. Bytes are each response body fetched again with `Accept-Encoding: gzip`; what
    chromium itself received (it may ask for zstd or brotli) is kept beside them.
    """
    context = browser.new_context()
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))
    page = open_checkout(context, shop_url, SHIPPED_PRODUCT)
    page.wait_for_load_state("networkidle")
    blocking = page.evaluate(RENDER_BLOCKING)
    resources = []
    for request in finished:
        if not request.url.startswith(f"{shop_url}/"):
            continue
        response = request.response()
        resources.append({
            "url": request.url.removeprefix(shop_url),
            "type": request.resource_type,
            "gzip_bytes": gzip_size(request.url),
            "received_bytes": request.sizes()["responseBodySize"],
            "received_encoding": response.headers.get("content-encoding", "identity"),
            "cache_control": response.headers.get("cache-control"),
        })
    context.close()
    by_type = {}
    for resource in resources:
        kind = {"document": "html", "stylesheet": "css", "script": "js"}.get(
            resource["type"], "other")
        by_type[kind] = by_type.get(kind, 0) + resource["gzip_bytes"]
    urls = [resource["url"] for resource in resources]
    return {
        "requests": len(resources),
        "gzip_bytes_by_type": by_type,
        "html_css_js_gzip_bytes": sum(by_type.get(kind, 0) for kind in ("html", "css", "js")),
        "requested_twice": sorted({url for url in urls if urls.count(url) > 1}),
        "render_blocking_first_party_scripts": [
            item["url"] for item in blocking
            if item["url"].startswith(f"{shop_url}/") and item["initiator"] == "script"],
        "render_blocking_first_party": [item["url"].removeprefix(shop_url) for item in blocking
                                        if item["url"].startswith(f"{shop_url}/")],
        "resources": resources,
    }


def price_round_trips(browser, shop_url, stripe_log, changes=50):
    # 2, 3, … 6, 1, 2, …: each differs from the one before (the page opens at 1).
    return timed_changes(browser, open_checkout, shop_url, stripe_log,
                         [("quantity", change % 6 + 1) for change in range(1, changes + 1)],
                         "#price [data-total]")


def country_changes(browser, shop_url, stripe_log, changes=30):
    """A country chosen again and again in the shipping address: ms from the change to the new
    shipping line painted (each country after the first is a partial the browser or the shop's
    memo may already have: as a customer changing their mind gets it)."""
    return timed_changes(
        browser, lambda context, url: open_checkout(context, url, SHIPPED_PRODUCT), shop_url,
        stripe_log, [("ship_country", COUNTRIES[change % len(COUNTRIES)]) for change in range(changes)],
        "#price [data-shipping]")


def timed_changes(browser, open_page, shop_url, stripe_log, changes, watched):
    """Each (field id, value) of `changes` made in turn on a fresh page (`open_page(context,
    shop_url)`): ms to the change of `watched` painted (CHANGE_PAINTED), and the Stripe calls."""
    context = browser.new_context()
    page = open_page(context, shop_url)
    stripe_log.start()
    samples = []
    for field, value in changes:
        samples.append(page.evaluate(CHANGE_PAINTED, [field, value, watched]))
        page.wait_for_function(HTMX_IDLE)
    context.close()
    ordered = sorted(samples)
    return {
        "changes": len(changes),
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[round(0.95 * len(ordered)) - 1],
        "max_ms": ordered[-1],
        "stripe_calls": len(stripe_log.calls("secret")) + len(stripe_log.calls("publishable")),
        "samples_ms": samples,
    }


def pay(browser, shop_url, stripe_log, card):
    """One order paid in a fresh browser: ms from the Pay click to the receipt, Stripe calls."""
    context = browser.new_context()
    page = open_checkout(context, shop_url)
    page.fill("#email", "bench@example.com")
    stripe_frames.fill_card(page, card, "12/34", "123")
    page.wait_for_function("() => !document.querySelector('[data-pay-button]').disabled")
    page.evaluate(MARK_PAY_CLICK)
    stripe_log.start()
    page.click("[data-pay-button]")
    if card == THREE_DS_CARD:
        stripe_frames.complete_3ds(page)
    page.wait_for_url(RECEIPT)
    elapsed = page.evaluate(SINCE_PAY_CLICK)
    assert page.locator("[data-order-status]").get_attribute("data-order-status") == "paid"
    webhook = stripe_log.wait_for_webhook("payment_intent.succeeded")
    context.close()
    return {"ms": elapsed, "server_calls": len(stripe_log.calls("secret")),
            "browser_calls": len(stripe_log.calls("publishable")), "webhook": webhook}


def pay_by_bank(browser, shop_url, stripe_log):
    """One order paid from a bank account (instant verification, the test bank's "Success"
    account), settled four business days later on the local Stripe's clock: the Stripe calls
    the shop makes for it, from the create to the webhook that says the money arrived."""
    context = browser.new_context()
    page = open_checkout(context, shop_url)
    page.fill("#email", "bench@example.com")
    page.get_by_label("US bank account").check()
    page.get_by_label("Account holder's name").fill("Bench Customer")
    stripe_log.start()
    page.click("[data-pay-button]")
    stripe_frames.link_test_bank(page, "Success")
    page.get_by_role("button", name="Agree and pay").click()
    page.wait_for_url(RECEIPT)
    status = page.locator("[data-order-status]").get_attribute("data-order-status")
    request = urllib.request.Request(f"{stripe_log.url}/_emulator/clock/advance", method="POST",
                                     data=json.dumps({"days": 6}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).close()
    webhook = stripe_log.wait_for_webhook("payment_intent.succeeded")
    context.close()
    return {"status_at_receipt": status, "server_calls": len(stripe_log.calls("secret")),
            "browser_calls": len(stripe_log.calls("publishable")), "webhook": webhook}


def measure(shop_url, stripe_url, payments=5):
    stripe_log = StripeLog(stripe_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            weight = page_weight(browser, shop_url)
            round_trips = price_round_trips(browser, shop_url, stripe_log)
            countries = country_changes(browser, shop_url, stripe_log)
            paid = [pay(browser, shop_url, stripe_log, CARD) for _ in range(payments)]
            three_ds = pay(browser, shop_url, stripe_log, THREE_DS_CARD)
            bank = pay_by_bank(browser, shop_url, stripe_log)  # last: it moves Stripe's clock
            version = browser.version
        finally:
            browser.close()
    times = sorted(run["ms"] for run in paid)
    return {
        "chromium": version,
        "page_weight": weight,
        "price_round_trip": round_trips,
        "country_change": countries,
        "pay_to_receipt": {"payments": payments, "p50_ms": statistics.median(times),
                           "max_ms": times[-1], "runs": paid},
        "three_ds": three_ds,
        "bank": bank,
    }


@contextlib.contextmanager
def shop_in_chromium(out):
    """A fresh `out` folder, the servers (one shop worker) and chromium, for the benches that
    measure one thing in the browser (bench.weight, bench.shipping): (running servers, browser)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with servers.all_servers(out, 1) as running, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield running, chromium
        finally:
            chromium.close()
