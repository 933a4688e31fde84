"""Stripe calls per paid order in each CHECKOUT_MODE, from the local Stripe's request log.

    .venv/bin/python -m bench.checkout_calls

Runs the local Stripe and the shop (gunicorn, development settings) with a catalog in which one
product is paid in each mode, pays one order per mode in chromium with 4242, waits until the
shop has answered the webhook that fulfils it, and prints the calls the shop made (secret key)
and those the customer's browser made (publishable key, Stripe.js and Stripe's page).
"""
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import servers
from bench.browser import CARD, CHROMIUM, CHROMIUM_ARGS, RECEIPT, StripeLog
from tests import stripe_frames, stripe_pages

ID = re.compile(r"(?<=/(pi|cs)_)\w+")

# (mode, product, the webhook after which nothing more happens for the order)
MODES = (("elements", "letterpress-workshop", "payment_intent.succeeded"),
         ("hosted", "organic-tee", "checkout.session.completed"),
         ("embedded", "city-lights-poster", "checkout.session.completed"))


def catalog_with_modes(path):
    """The demo catalog, each product of MODES paid in its mode (the catalog's checkout_mode)."""
    text = (servers.ROOT / "catalog" / "demo.toml").read_text(encoding="utf-8")
    for mode, slug, _ in MODES:
        text = text.replace(f'slug = "{slug}"\n', f'slug = "{slug}"\ncheckout_mode = "{mode}"\n')
    path.write_text(text, encoding="utf-8")
    return path


def pay(browser, shop_url, stripe_log, mode, slug):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{shop_url}/p/{slug}")
    page.fill("#email", "bench@example.com")
    if mode == "elements":
        stripe_frames.fill_card(page, CARD, "12/34", "123")
        page.wait_for_function("() => !document.querySelector('[data-pay-button]').disabled")
        stripe_log.start()
        page.click("[data-pay-button]")
    else:
        stripe_log.start()
        page.get_by_role("button", name="Continue to payment").click()
        scope = page if mode == "hosted" else stripe_pages.embedded_checkout(page)
        stripe_pages.pay(scope, CARD, email=None)
    page.wait_for_url(RECEIPT)
    assert page.locator("[data-order-status]").get_attribute("data-order-status") == "paid"
    context.close()
    return stripe_log


def measure(shop_url, stripe_url):
    stripe_log = StripeLog(stripe_url)
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for mode, slug, last_event in MODES:
                pay(browser, shop_url, stripe_log, mode, slug)
                # The order's webhooks answered: the shop's calls for them are counted too.
                stripe_log.wait_for_webhook("payment_intent.succeeded")
                webhook = stripe_log.wait_for_webhook(last_event)
                time.sleep(1)
                shop = stripe_log.calls("secret")
                results[mode] = {
                    "server_calls": len(shop),
                    "server": [f"{call['method']} {ID.sub('…', call['path'])}" for call in shop],
                    "browser_calls": len(stripe_log.calls("publishable")),
                    "webhook": webhook,
                }
        finally:
            browser.close()
    return results


def main():
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        catalog = catalog_with_modes(workdir / "catalog.toml")
        # The shop's environment is this one's, with the Stripe settings left out.
        os.environ.update(CATALOG_PATH=str(catalog), RATELIMIT_PAY="1000 per minute")
        with servers.all_servers(workdir, workers=1) as running:
            results = measure(running["shop"], running["stripe"])
    print(f"{'mode':10} {'shop→Stripe':>12} {'browser→Stripe':>15}  shop's calls")
    for mode, figures in results.items():
        print(f"{mode:10} {figures['server_calls']:>12} {figures['browser_calls']:>15}  "
              f"{', '.join(figures['server'])}")
    json.dump(results, sys.stderr, indent=1)
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
