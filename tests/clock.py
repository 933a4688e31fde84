"""Moving the local Stripe's clock forward (…/_emulator/clock/advance): a bank debit settles, a
refund lands, an idempotency key expires — whatever came due runs before it answers."""
import requests


def advance(stripe, days=0, seconds=0):
    """Move the clock of the local Stripe `stripe` (anything with its `url`) forward."""
    requests.post(f"{stripe.url}/_emulator/clock/advance",
                  json={"days": days, "seconds": seconds}).raise_for_status()
