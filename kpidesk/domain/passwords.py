"""The password policy, apart from the hashing: the login dialog shows it before any
database or hashing library is loaded (start-up), the auth service enforces it."""

from __future__ import annotations

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
