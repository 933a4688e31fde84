"""The instants emulator tests start the local Stripe's clock at, and how they read its times.

Business days, settlement and payouts depend on the weekday, so no emulator test reads the wall
clock: the `emulator` fixture starts the clock at `clock_start`, MONDAY_MORNING unless a test
parametrizes it. Date-bound tests run at each of INSTANTS, with their expected times written out.
"""
import datetime

MONDAY_MORNING = "2026-11-16T09:00:00Z"
# The late ones leave two minutes before midnight for the test to run in.
INSTANTS = {
    "monday": MONDAY_MORNING,
    "friday-before-midnight": "2026-11-20T23:58:00Z",
    "saturday": "2026-11-21T12:00:00Z",
    "years-end": "2026-12-31T23:58:00Z",    # a Thursday; the new year's first day is a Friday
}


def utc(timestamp):
    """A Unix time as an ISO 8601 instant in UTC, as a test writes its expected value."""
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).isoformat()
