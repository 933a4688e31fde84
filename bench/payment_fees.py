"""Stripe's fee per product of the demo catalog, by card and by bank debit with the catalog's
bank discount, as the local Stripe's balance transactions record them:
`.venv/bin/python bench/payment_fees.py`.

Each product is paid at its default selection once by card (4242…) at the card's price and, for
USD products, once from a bank account (typed in, microdeposits 32/45, settled four business days
later on the local Stripe's clock) at the bank's price, the bank discount taken off as pricing.py
takes it; the fee is read from each charge's balance transaction. Prints a Markdown table: what
the customer pays each way, Stripe's fee each way, and what the shop keeps each way.
(Stripe calls per bank order are asserted in tests/e2e/test_bank.py: two.)
"""
import logging
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
import stripe  # noqa: E402

import config  # noqa: E402
from storefront.catalog import pricing, products
from storefront.catalog.money import format_money  # noqa: E402
from stripe_emulator import create_app  # noqa: E402
from tests.emulator.bank import verified  # noqa: E402
from tests.servers import LiveServer  # noqa: E402


def fee(client, intent_id):
    charge = client.v1.payment_intents.retrieve(
        intent_id, {"expand": ["latest_charge.balance_transaction"]}).latest_charge
    return charge.balance_transaction.fee


def main():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    emulator = create_app()
    with LiveServer(emulator) as server:
        client = stripe.StripeClient("sk_test_fees", base_addresses={"api": server.url})
        paid = []
        for product in products.load_catalog(config.Config.CATALOG_PATH):
            _, quote = pricing.quote_form(product, {})
            _, by_bank_quote = pricing.quote_form(product, {}, pricing.BANK)
            currency = quote.currency.lower()
            card = client.v1.payment_methods.create({"type": "card", "card": {
                "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
            by_card = client.v1.payment_intents.create({
                "amount": quote.total, "currency": currency, "payment_method": card.id,
                "allowed_payment_method_types": ["card"], "confirm": True})
            # Stripe's Checkout page (hosted, embedded) takes cards only here: no bank, no discount.
            on_our_page = (product.checkout_mode or config.Config.CHECKOUT_MODE) == "elements"
            by_bank = verified(client, amount=by_bank_quote.total) \
                if currency == "usd" and on_our_page else None
            paid.append((product, quote, by_bank_quote, by_card, by_bank))
        requests.post(f"{server.url}/_emulator/clock/advance", json={"days": 6}).raise_for_status()
        print("| product | by card | card fee | shop keeps | by bank (discount) | bank fee | "
              "shop keeps | fee saved | kept by bank − by card |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for product, quote, bank_quote, by_card, by_bank in paid:
            money = lambda amount: format_money(amount, quote.currency)  # noqa: E731
            card_fee = fee(client, by_card.id)
            card_kept = quote.total - card_fee
            row = [product.name, money(quote.total), money(card_fee), money(card_kept)]
            if by_bank:
                bank_fee = fee(client, by_bank.id)
                bank_kept = bank_quote.total - bank_fee
                off = -bank_quote.discount.amount if bank_quote.discount else 0
                row += [f"{money(bank_quote.total)} ({money(off) if off else 'none'})",
                        money(bank_fee), money(bank_kept), money(card_fee - bank_fee),
                        money(bank_kept - card_kept)]
            else:
                row += ["— (USD only)" if quote.currency != "USD" else "— (card on Stripe's page)"] + ["—"] * 4
            print("| " + " | ".join(row) + " |")
    emulator.extensions["stripe_emulator"].close()


if __name__ == "__main__":
    main()
