"""`-p tests.start_clock --start-at=WHEN`: the suite's wall clock starts at WHEN (an ISO date and
time with its offset) and ticks on from there, in the test process and every thread it starts
(the shop, the local Stripe, the SMTP server): `make test-another-day`. It is how we check that
no outcome depends on the day or hour the suite runs, which a clean clone once did from Sunday
to Wednesday. time.monotonic() and sleeps are left alone, and so are other processes' clocks
(Chromium, PostgreSQL), so the browser tests stay out of such a run."""
import time_machine

_travel = None


def pytest_addoption(parser):
    parser.addoption("--start-at", help="start the wall clock at this ISO date and time")


def pytest_configure(config):
    global _travel
    if start := config.getoption("--start-at"):
        _travel = time_machine.travel(start, tick=True)
        _travel.start()


def pytest_unconfigure(config):
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config):
    if start := config.getoption("--start-at"):
        return f"wall clock started at {start}"
