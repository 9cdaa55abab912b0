"""Per-client request limits, pure: a token bucket per client address, in memory (one per worker process)."""

from __future__ import annotations

import ipaddress
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*(second|minute|hour)s?)?\s*$")


@dataclass(frozen=True)
class Rate:
    """At most ``requests`` per ``period`` seconds, with bursts up to ``requests``."""

    requests: int
    period: float


def parse_rate(text: str) -> Rate | None:
    """Parse "60/minute", "5/second", "1000/hour" ("N" alone means per minute); "0", "" or "off" means no limit."""
    if text.strip().lower() in ("", "0", "off", "none"):
        return None
    match = _RATE.match(text.lower())
    if not match:
        raise ValueError(f"rate limit must look like '60/minute' (second, minute or hour) or 0, not {text!r}")
    requests = int(match.group(1))
    return Rate(requests, PERIODS[match.group(2) or "minute"]) if requests > 0 else None


def parse_networks(items: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses or networks ("127.0.0.1", "10.0.0.0/8", "::1") exempt from the limit."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


class RateLimiter:
    """Token buckets keyed by client: each holds up to ``rate.requests`` tokens, refilled evenly over the period.

    ``take`` spends one token and returns 0.0, or returns the seconds until a token is available (nothing is spent).
    Idle, full buckets are forgotten when more than ``max_clients`` are tracked, so memory stays bounded."""

    def __init__(self, rate: Rate, exempt: Iterable[str] = (), clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000) -> None:
        self.rate = rate
        self.exempt = parse_networks(exempt)
        self._clock = clock
        self._max_clients = max_clients
        self._per_second = rate.requests / rate.period
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last update)
        self._lock = threading.Lock()

    def is_exempt(self, client: str) -> bool:
        """True when the client address falls in an exempt network."""
        if not self.exempt:
            return False
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address in network for network in self.exempt)

    def take(self, client: str) -> float:
        """Spend a token of client's bucket: 0.0 when allowed, else the seconds to wait."""
        if self.is_exempt(client):
            return 0.0
        now = self._clock()
        capacity = float(self.rate.requests)
        with self._lock:
            tokens, last = self._buckets.get(client, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * self._per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                allowed = True
            else:
                self._buckets[client] = (tokens, now)
                allowed = False
            if len(self._buckets) > self._max_clients:
                self._forget_idle(now)
        return 0.0 if allowed else (1.0 - tokens) / self._per_second

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled completely (they behave exactly like a new client)."""
        full = [c for c, (tokens, last) in self._buckets.items()
                if tokens + (now - last) * self._per_second >= self.rate.requests]
        for client in full:
            del self._buckets[client]


def retry_after(seconds: float) -> int:
    """A Retry-After header value: whole seconds, at least 1."""
    return max(1, math.ceil(seconds))
