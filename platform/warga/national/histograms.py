"""Fixed-bucket histograms of durations (time to first response, to resolution), so that a
median over millions of reports is read from a few hundred counters instead of the facts.

Buckets: 0 holds durations under a minute (and negative ones, from clock skew); bucket k >= 1
holds [60 s x 1.05^(k-1), 60 s x 1.05^k); the last bucket also holds everything longer
(about 400 days). The median estimated from them is within 5 % of the exact median, plus 30 s
when a middle duration is under a minute (docs/decisions/0042, tested against exact medians).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

RATIO = 1.05
FIRST_EDGE_SECONDS = 60.0
# 1.05^272 x 60 s is a little over 400 days.
BUCKETS = 274

# The bucket of a duration in seconds, as SQL over an expression `{seconds}`: the same
# formula as `bucket_of`, so the relay's recompute and the tests agree.
BUCKET_SQL = (
    "CASE WHEN ({seconds}) < 60 THEN 0 "
    f"ELSE least({BUCKETS - 1}, 1 + floor(ln(({{seconds}}) / 60.0) / ln({RATIO}))::int) END"
)


def bucket_of(seconds: float) -> int:
    if seconds < FIRST_EDGE_SECONDS:
        return 0
    return min(BUCKETS - 1, 1 + math.floor(math.log(seconds / FIRST_EDGE_SECONDS) / math.log(RATIO)))


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """[low, high) of a bucket, in seconds."""
    if bucket == 0:
        return 0.0, FIRST_EDGE_SECONDS
    return FIRST_EDGE_SECONDS * RATIO ** (bucket - 1), FIRST_EDGE_SECONDS * RATIO**bucket


def _value_at(ordered: list[tuple[int, int]], rank: int) -> float:
    """The estimated duration of the `rank`-th shortest (0-based): inside its bucket, placed by
    its rank there (geometrically, as the buckets grow; linearly in bucket 0)."""
    before = 0
    for bucket, count in ordered:
        if rank < before + count:
            low, high = bucket_bounds(bucket)
            fraction = (rank - before + 0.5) / count
            if bucket == 0:
                return low + (high - low) * fraction
            return low * (high / low) ** fraction
        before += count
    raise ValueError(f"rank {rank} is beyond the {before} durations counted")


def histogram_median(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median, in seconds, of durations counted per bucket ((bucket, count) pairs, any
    order), as PostgreSQL's percentile_cont(0.5) defines it: the middle duration, or the mean
    of the two middle ones. Each is estimated inside its own bucket, so the result is within
    5 % of the exact median (plus 30 s when a middle duration is under a minute). None when
    nothing was counted."""
    ordered = sorted((bucket, count) for bucket, count in counts if count > 0)
    total = sum(count for _, count in ordered)
    if total == 0:
        return None
    lower, upper = (total - 1) // 2, total // 2
    return (_value_at(ordered, lower) + _value_at(ordered, upper)) / 2
