"""The emulator's clock: tests move it forward so that days pass in a second."""
import requests

from stripe_emulator.clock import DAY, Clock


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


def test_reset_makes_the_clock_real_again(emulator):
    emulator.control("POST", "/clock/advance", seconds=3600)
    assert emulator.control("GET", "/clock")["offset"] == 3600
    emulator.control("POST", "/reset")
    assert emulator.control("GET", "/clock")["offset"] == 0


def test_the_clock_never_goes_back(emulator):
    answer = requests.post(f"{emulator.url}/_emulator/clock/advance", json={"seconds": -1})
    assert answer.status_code == 400
