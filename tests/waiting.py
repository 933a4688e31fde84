"""Waiting, with a deadline, for what another process does (a server, the local Stripe, mail)."""
import time


def wait_for(check, what="the condition", seconds=15):
    """Call `check` until it returns something truthy, and return that; fail naming `what` after
    `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, f"{what}: not after {seconds} s"
        time.sleep(0.1)
    return result
