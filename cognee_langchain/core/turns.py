"""One turn of a conversation: the unit dialogue is remembered and retrieved by.

A :class:`Turn` is what a transcript line (``[D1:3] Caroline: Hey Mel!``) or one cached session
message becomes. The transcript parser (:mod:`cognee_langchain.extraction.transcripts`) and the
session renderer both produce turns; ingest turns each one into its own retrieval unit. It lives
in the core layer because the graph models, the extraction engine and the services all speak it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cognee_langchain.errors import InvalidInputError

__all__ = ["Turn", "display_date"]


def display_date(when: datetime) -> str:
    """A turn's date spelled out, "8 May 2023": indexed with each turn, so a question naming
    the month or the day ("in May 2023") matches it."""
    return f"{when.day} {when:%B %Y}"


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's contribution to a conversation.

    ``speaker``: who spoke, as the transcript names them ("Caroline", "User", "Assistant").
    ``text``: what they said (several lines allowed), never empty. ``occurred_at``: when it was
    said (timezone-aware), ``None`` when unknown. ``turn_id``: the transcript's own id of the
    turn ("D1:3"), if it has one. ``message_ids``: the cached messages the turn renders.
    """

    speaker: str
    text: str
    occurred_at: datetime | None = None
    turn_id: str | None = None
    message_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise InvalidInputError("A turn needs text: drop empty messages before rendering.")
        if self.occurred_at is not None and self.occurred_at.tzinfo is None:
            raise InvalidInputError(
                "Turn.occurred_at must be timezone-aware: attach a tzinfo (e.g. UTC)."
            )
