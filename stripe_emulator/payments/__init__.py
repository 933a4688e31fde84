"""Core payments, as Stripe's API reference groups them: PaymentIntents, PaymentMethods (the
test cards of cards.py, the test bank accounts of bank_accounts.py), charges, refunds,
customers, mandates, disputes, balance and balance transactions (with fees.py and
currencies.py), and the receipt page. It imports only machinery; the bank's debits, which
build on it, register with it (debits.py), and Checkout follows its intents through events.
"""
