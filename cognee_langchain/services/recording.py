"""Recording: a conversation's new messages into the session cache, exactly once.

Shared by the LangGraph persist node and the agent middleware (both adapters): what a turn is,
which state messages belong in the session, and the one atomic append of what is new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict, cast

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
)

from cognee_langchain.errors import InvalidInputError

if TYPE_CHECKING:
    from cognee_langchain.sessions.base import SessionStore

__all__ = ["RecordedMarker", "arecord_new_messages", "latest_question", "recording_key"]


class RecordedMarker(TypedDict):
    """What was recorded into the session: the ids of the state's messages when it was written,
    and the session's sequence count right after (later appends are read back from there)."""

    seq: int
    ids: list[str]


# -- what a turn is ----------------------------------------------------------------------------
def _is_summary(message: BaseMessage) -> bool:
    # langchain's SummarizationMiddleware marks the summary it substitutes for old messages.
    return message.additional_kwargs.get("lc_source") == "summarization"


def _is_conversation(message: BaseMessage) -> bool:
    """Whether a state message belongs in the session (prompts and summaries do not)."""
    return not isinstance(message, SystemMessage | RemoveMessage) and not _is_summary(message)


def _latest_question_index(messages: Sequence[BaseMessage]) -> int | None:
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if isinstance(message, HumanMessage) and not _is_summary(message):
            return i
    return None


def latest_question(messages: Sequence[BaseMessage]) -> HumanMessage | None:
    """The latest message the user wrote (a summary standing in for old turns does not count)."""
    index = _latest_question_index(messages)
    return None if index is None else cast(HumanMessage, messages[index])


def _with_context_ids(new: list[BaseMessage], context_ids: Sequence[str]) -> list[BaseMessage]:
    """Mark the final answers to the latest question with the ids of the memories it recalled,
    as ``recall`` does, so the persisted Q&A keeps the link to what the answer was based on."""
    start = _latest_question_index(new)
    if not context_ids or start is None:
        return new
    return [
        message.model_copy(
            update={
                "response_metadata": {**message.response_metadata, "context_ids": [*context_ids]}
            }
        )
        if i > start and isinstance(message, AIMessage) and not message.tool_calls
        else message
        for i, message in enumerate(new)
    ]


async def arecord_new_messages(
    store: SessionStore,
    user_id: str,
    session_id: str,
    messages: Sequence[BaseMessage],
    marker: RecordedMarker | None = None,
    context_ids: Sequence[str] = (),
) -> tuple[list[BaseMessage], RecordedMarker]:
    """Append the state messages not recorded yet to the session, in one atomic append.

    ``marker`` is what the previous call returned (``None`` on a thread's first turn, or when the
    state cannot keep it): with it, only the messages appended since are read back, so a call
    that failed after appending is not recorded twice; without it the whole session is read.
    The append's idempotency key is derived from the ids of the messages it appends, so
    retrying a call whose append had an unknown outcome
    (:class:`~cognee_langchain.errors.SessionWriteUnknownError`) cannot store them twice.
    The new messages are the conversation messages (not system prompts or summaries) after the
    last one already recorded. Final answers to the latest question get
    ``response_metadata["context_ids"]`` when ``context_ids`` is given; nothing else changes.

    Returns the messages appended and the marker to keep for the next call.

    Raises:
        InvalidInputError: a message has no id (use the ``add_messages`` reducer).
    """
    for message in messages:
        if not message.id:
            raise InvalidInputError(
                f"A {type(message).__name__} in state['messages'] has no id, so it cannot be "
                "recorded exactly once: declare messages as Annotated[list[AnyMessage], "
                "add_messages] (as MessagesState and MemoryState do), which gives each an id."
            )
    marker = _check_marker(marker)
    since = marker["seq"] if marker is not None else 0
    stored = await store.aread(user_id, session_id, since=since)
    known = {item.message.id for item in stored.items if item.message.id}
    if marker is not None:
        known.update(marker["ids"])
    conversation = [m for m in messages if _is_conversation(m)]
    last_known = max((i for i, m in enumerate(conversation) if m.id in known), default=-1)
    new = _with_context_ids(conversation[last_known + 1 :], context_ids)
    seq = stored.end
    if new:
        key = recording_key(m.id for m in new if m.id)
        seq = await store.aappend(user_id, session_id, new, idempotency_key=key)
    return new, {"seq": seq, "ids": [m.id for m in messages if m.id]}


def recording_key(message_ids: Iterable[str]) -> str:
    """The idempotency key of appending the messages with these ids (in this order)."""
    digest = hashlib.sha256()
    for message_id in message_ids:
        # Length-prefixed, so no two id lists give the same bytes; surrogatepass, so a bad id
        # reaches the store, whose error names it, instead of failing here.
        encoded = message_id.encode("utf-8", "surrogatepass")
        digest.update(b"%d:%s" % (len(encoded), encoded))
    return f"record:{digest.hexdigest()}"


def _check_marker(marker: object) -> RecordedMarker | None:
    if marker is None:
        return None
    if (
        isinstance(marker, Mapping)
        and isinstance(marker.get("seq"), int)
        and isinstance(marker.get("ids"), list)
    ):
        return {"seq": marker["seq"], "ids": marker["ids"]}
    raise InvalidInputError(
        f"The state's recorded-messages marker is a {type(marker).__name__}, not a "
        "RecordedMarker ({'seq': int, 'ids': [...]}): keep that state key for the memory only "
        "(or pass the persist node another recorded_key)."
    )
