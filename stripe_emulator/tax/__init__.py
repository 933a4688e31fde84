"""Stripe Tax: calculations from a small documented rate table (rates.py), transactions
recorded from them, and reversals of those. It imports payments (currencies) and machinery;
nothing imports it but the route table.
"""
