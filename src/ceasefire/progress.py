"""Progress of long work on stderr: a bar with rate and ETA on a terminal, plain lines in a log otherwise."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm

PLAIN_EVERY_SECONDS = 10.0


class PlainProgress:
    """What a log file can hold: one line every PLAIN_EVERY_SECONDS and one at the end, with rate and ETA."""

    def __init__(self, total: int, desc: str, unit: str, initial: int = 0) -> None:
        self.total, self.desc, self.unit, self.n = total, desc, unit, initial
        self._initial = initial
        self._started = self._shown = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        if time.monotonic() - self._shown >= PLAIN_EVERY_SECONDS:
            self._line()

    def _line(self) -> None:
        self._shown = time.monotonic()
        rate = (self.n - self._initial) / max(self._shown - self._started, 1e-9)
        left = self.total - self.n
        eta = f", ETA {_clock(left / rate)}" if rate > 0 and left > 0 else ""
        share = f" ({100 * self.n / self.total:.0f}%)" if self.total else ""
        print(f"{self.desc}: {self.n:,}/{self.total:,} {self.unit}{share}, {rate:.1f} {self.unit}/s{eta}",
              file=sys.stderr, flush=True)

    def close(self) -> None:
        self._line()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress(total: int, desc: str, unit: str = "doc", initial: int = 0) -> tqdm | PlainProgress:
    if sys.stderr.isatty():
        return tqdm(total=total, initial=initial, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True)
    return PlainProgress(total, desc, unit, initial)
