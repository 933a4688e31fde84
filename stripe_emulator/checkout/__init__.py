"""Checkout: Checkout Sessions (the API) and the hosted page their customers pay on. It
imports payments, machinery and stripejs; nothing imports it but the route table and
create_app. A session follows its PaymentIntent by listening to events (events.listen).
"""
