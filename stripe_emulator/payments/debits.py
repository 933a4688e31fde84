"""Payment method types the bank settles days later (us_bank_account), as their module registers.

The bank's module (bank/bank_debits.py) builds on the intents, charges and refunds, so they
do not import it: it registers here when imported (the route table imports it), and a
PaymentIntent confirmed with such a method hands it to `confirm`, a SetupIntent to `setup`,
a refund of its charge to `refund`. Cards have none: `handler` is None.
"""
from typing import Callable, NamedTuple


class Handler(NamedTuple):
    confirm: Callable   # (call, intent, payment_method, params): start the debit
    refund: Callable    # (call, refund): the refund waits for the bank
    setup: Callable     # (call, setup_intent, payment_method, params): mandate, verification


_HANDLERS = {}


def register(method_type, *, confirm, refund, setup):
    _HANDLERS[method_type] = Handler(confirm, refund, setup)


def handler(method_type):
    return _HANDLERS.get(method_type)
