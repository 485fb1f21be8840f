"""What a free key check found: valid, refused, unreachable (or an answer nobody expected)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

#: A job id no real job has, so its status is a 404 for a good key and a 401 for a bad one.
KEY_CHECK_JOB_ID: Final = "ltxstudio-key-check-0000000000000000"


class KeyVerdict(StrEnum):
    VALID = "valid"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class KeyCheck:
    verdict: KeyVerdict
    message: str
    status: int | None = None
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is KeyVerdict.VALID
