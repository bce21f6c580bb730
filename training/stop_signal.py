"""A clean stop for long runs: SIGTERM or Ctrl-C ends the loop at the next step boundary, and the
trainer then writes its checkpoint as at the end of a run, so `kill PID` (or a session's end that
sends SIGTERM first) loses nothing since the last step instead of everything since the last
periodic checkpoint. A second signal stops at once, as it would have without this."""
import signal


class StopOnSignal:
    def __init__(self, signals=(signal.SIGTERM, signal.SIGINT)):
        self.signals = signals
        self.requested = False
        self._previous = {}

    def _handle(self, signum, frame):
        if self.requested:  # the second signal: the default behaviour
            signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))
            signal.raise_signal(signum)
            return
        self.requested = True

    def __enter__(self):
        for s in self.signals:
            self._previous[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        return False
