"""The emulator's clock: real time plus an offset that `/_emulator/clock/advance` moves forward.

Stripe's slow processes (a bank debit settling days later, a refund landing, keys expiring after
24 hours) are kept here as actions due at a time, run when the clock passes them. Tests advance
the clock instead of waiting; nothing runs on its own while the clock stands still.
"""
import heapq
import itertools
import time

DAY = 86_400


class Clock:
    """Not locked here: callers hold the emulator's lock."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.offset = 0
        self._due = []                 # heap of (when, sequence, action)
        self._sequence = itertools.count()

    def now(self):
        return int(time.time()) + self.offset

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
