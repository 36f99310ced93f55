"""What a KPI run says of itself, light enough to import before the engine is needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

# "cancelled": stopped by a person or a shutdown between rules; the date's results stay.
RunStatus = Literal["success", "failed", "skipped", "cancelled"]


@dataclass(frozen=True)
class RunSummary:
    """What a run did: `skipped` runs wrote nothing and say why in `reason`."""

    run_id: int | None
    run_date: dt.date
    status: RunStatus
    reason: str
    users: int
    rules: int
    results: int
    seconds: float


class RunStopped(Exception):
    """Raised by a progress callback to stop a run between rules ("cancelled by anna").

    The run is rolled back like any failure, and its message is the run's error as it is.
    """
