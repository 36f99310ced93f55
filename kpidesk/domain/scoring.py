"""A rule's score: how far the value is towards the target, as a fraction (0.6 = 60 %)."""

from __future__ import annotations


def score(value: float | None, target: float, direction: str) -> float | None:
    """The score of a value against a target; None when the value is undefined.

    Higher is better: value / target (a target of 0 is met by any value ≥ 0: score 1).
    Lower is better: 1 when value ≤ target, else target / value (0 when the target is 0).
    Scores above 1 are kept (120 % of target), never capped.
    """
    if value is None:
        return None
    if direction == "higher":
        if target <= 0:
            return 1.0 if value >= target else 0.0
        return float(value) / float(target)
    if direction == "lower":
        if value <= target:
            return 1.0
        if target <= 0:
            return 0.0
        return float(target) / float(value)
    raise ValueError(f"unknown direction {direction!r}: use 'higher' or 'lower'")
