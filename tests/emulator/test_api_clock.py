"""The emulator's clock: tests move it forward so that days pass in a second."""
import time

import pytest
import requests
import stripe

from stripe_emulator.machinery.clock import DAY, Clock, instant


def test_advancing_the_clock_dates_new_objects_later(emulator, card):
    before = card("4242424242424242").created
    emulator.control("POST", "/clock/advance", days=4)
    after = card("4242424242424242").created
    assert after - before >= 4 * DAY


def test_actions_run_in_time_order_once_due():
    clock = Clock()
    ran = []
    clock.after(2 * DAY, lambda: ran.append("second"))
    clock.after(DAY, lambda: ran.append("first"))
    assert clock.advance(DAY - 60) == 0 and ran == []
    assert clock.advance(DAY + 60) == 2
    assert ran == ["first", "second"] and clock.pending() == 0


def test_the_clock_starts_at_the_instant_a_test_chose(emulator):
    # MONDAY_MORNING, 2026-11-16 09:00 UTC; a few seconds may pass while the test runs.
    assert 0 <= emulator.control("GET", "/clock")["now"] - 1_794_819_600 < 60


def test_reset_starts_the_clock_again_where_it_is_told(emulator):
    emulator.control("POST", "/clock/advance", seconds=3600)
    assert emulator.control("GET", "/clock")["offset"] == 3600
    emulator.control("POST", "/reset", clock_start="2027-03-01T12:00:00Z")
    clock = emulator.control("GET", "/clock")
    assert clock["offset"] == 0 and 0 <= clock["now"] - 1_803_902_400 < 60
    answer = requests.post(f"{emulator.url}/_emulator/reset", json={"clock_start": "Tuesday"})
    assert answer.status_code == 400


def test_without_a_start_the_clock_is_the_wall_clock():
    before = int(time.time())
    now = Clock().now()
    assert before <= now <= int(time.time())


def test_a_card_expires_by_the_emulators_clock_not_the_wall_clock(emulator, card):
    # The clock reads November 2026: a card that expired in October 2026 is refused.
    with pytest.raises(stripe.CardError) as refused:
        card("4242424242424242", exp_month=10, exp_year=2026)
    assert refused.value.code == "invalid_expiry_month"
    assert card("4242424242424242", exp_month=11, exp_year=2026).card.exp_year == 2026


@pytest.mark.parametrize("text, expected", [
    ("2026-11-16T09:00:00Z", 1_794_819_600),
    ("2026-11-16T10:00:00+01:00", 1_794_819_600),
    ("2026-11-16T09:00:00", 1_794_819_600),       # no zone: UTC
    ("1794819600", 1_794_819_600),
])
def test_the_clock_start_is_an_iso_instant_or_a_unix_time(text, expected):
    assert instant(text) == expected


def test_the_clock_never_goes_back(emulator):
    answer = requests.post(f"{emulator.url}/_emulator/clock/advance", json={"seconds": -1})
    assert answer.status_code == 400


def test_the_clock_moves_to_an_instant_read_under_its_lock(emulator):
    # 2026-11-17 09:00 UTC, a day after the test's start: exactly there, whatever the wall clock
    # did between the request being sent and being served.
    moved = emulator.control("POST", "/clock/advance", to=1_794_906_000)
    assert 0 <= moved["now"] - 1_794_906_000 <= 1   # read again as it answers
    answer = requests.post(f"{emulator.url}/_emulator/clock/advance", json={"to": 1_794_819_600})
    assert answer.status_code == 400   # back to the start: the clock only moves forward
