"""The emulator's clock: time that runs from a chosen start, plus an offset that
`/_emulator/clock/advance` moves forward.

Stripe's slow processes (a bank debit settling days later, a refund landing, keys expiring after
24 hours) are kept here as actions due at a time, run when the clock passes them. Tests advance
the clock instead of waiting; nothing runs on its own while the clock stands still.

Business days, settlement and payouts depend on the weekday, so a test (or `--clock-start`) sets
the instant the clock starts at; without one it reads the wall clock.
"""
import datetime
import heapq
import itertools
import time

DAY = 86_400


def instant(text):
    """A Unix time from an ISO 8601 instant ("2026-11-16T09:00:00Z") or a Unix time; a time
    without a zone is UTC."""
    try:
        return int(float(text))
    except ValueError:
        pass
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp())


class Clock:
    """Not locked here: callers hold the emulator's lock."""

    def __init__(self, start=None):
        self.reset(start)

    def reset(self, start=None):
        """Forget every due action and the offset; with `start` (a Unix time), the clock reads
        `start` now and runs on from there; without it, the wall clock."""
        self.start = start
        self._skew = 0 if start is None else start - int(time.time())
        self.offset = 0                # seconds moved forward by advance()
        self._due = []                 # heap of (when, sequence, action)
        self._sequence = itertools.count()

    def now(self):
        return int(time.time()) + self._skew + self.offset

    def today(self):
        return datetime.datetime.fromtimestamp(self.now(), datetime.timezone.utc).date()

    def at(self, when, action):
        """Run `action()` once the clock reaches `when` (a Unix time, as `now()` gives)."""
        heapq.heappush(self._due, (when, next(self._sequence), action))

    def after(self, seconds, action):
        self.at(self.now() + seconds, action)

    def advance(self, seconds):
        """Move the clock forward and run, in time order, every action that has come due;
        returns how many ran. An action may schedule more, which run too if already due."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += int(seconds)
        ran = 0
        while self._due and self._due[0][0] <= self.now():
            _, _, action = heapq.heappop(self._due)
            action()
            ran += 1
        return ran

    def pending(self):
        return len(self._due)
