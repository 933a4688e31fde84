"""Stripe calls per order, from the local Stripe's request log.

One call for a card without 3-D Secure and two with it are asserted end to end in
tests/e2e/test_checkout.py; here, what the browser cannot show quickly: re-pricing never calls
Stripe, however often it happens and by whichever route (htmx's GET of the partial or the no-JavaScript page's POST).
"""
from tests.perf.checkout_client import QUOTE_HEADERS, page_tokens, quote_url

CHANGES = 40


def test_price_changes_make_no_stripe_call(client, stripe_requests):
    slug = "letterpress-workshop"
    tokens = page_tokens(client.get(f"/p/{slug}").get_data(as_text=True))
    for change in range(CHANGES):
        selection = {"quantity": str(change % 6 + 1), "tip": ("0", "10", "15", "20")[change % 4],
                     "option-session": ("saturday-morning", "thursday-evening")[change % 2]}
        if change % 3:
            selection["addon"] = "materials-kit"
        if change % 5:
            response = client.get(quote_url(slug, selection), headers=QUOTE_HEADERS)
        else:  # every fifth as a browser without JS
            response = client.post(f"/p/{slug}", data=tokens | selection)
        assert response.status_code == 200
        assert 'data-quote-ok="true"' in response.get_data(as_text=True)
    assert stripe_requests() == []
