"""Size limits for what people type or import, so nothing grows past what a run can carry.

Without them a rule with 100,000 activity types took 108 s to import and then held the
write lock through a run that did not finish. Each limit is far above real use (3–5 rules
per profile, a handful of activity types per rule) and matches a column width where there
is one. The README lists them.
"""

from __future__ import annotations

MAX_RULES = 500  # rules per installation, active or not
MAX_ACTIVITY_TYPES_PER_RULE = 100
ACTIVITY_TYPE_MAX = 100  # characters of one activity type name (the CRM column's width)
RULE_NAME_MAX = 200
PROFILE_NAME_MAX = 100
LOGIN_MAX = 100
USER_NAME_MAX = 200
