"""Helpers for bench/reliability.py.

stack.py starts the local Stripe and a shop; customers.py is what people do at the checkout;
ledger.py compares what Stripe and the shop each say; double_submits.py, webhooks.py and
faults.py are the three scenarios; table.py prints the figures and keeps the invariants.
"""
