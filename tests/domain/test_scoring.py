"""Score = how far the value is towards the target, for both directions, incl. target 0."""

from __future__ import annotations

import pytest

from kpidesk.domain.scoring import score


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (6, 10, 0.6),  # the seed example: 6 of 10 planned meetings → 60 %
        (0, 10, 0.0),
        (12, 10, 1.2),  # above target is kept, not capped
        (0.5, 0.8, 0.625),
        (0, 0, 1.0),  # a target of 0 is met by anything
        (3, 0, 1.0),
    ],
)
def test_higher_is_better(value: float, target: float, expected: float) -> None:
    assert score(value, target, "higher") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (2, 5, 1.0),  # at or below target: full score
        (5, 5, 1.0),
        (10, 5, 0.5),  # above: target / value
        (4, 1, 0.25),
        (0, 0, 1.0),
        (3, 0, 0.0),  # target 0 and above it: 0
    ],
)
def test_lower_is_better(value: float, target: float, expected: float) -> None:
    assert score(value, target, "lower") == pytest.approx(expected)


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_undefined_value_has_no_score(direction: str) -> None:
    assert score(None, 10, direction) is None
    assert score(None, 0, direction) is None


def test_unknown_direction() -> None:
    with pytest.raises(ValueError, match="direction"):
        score(1, 1, "sideways")
