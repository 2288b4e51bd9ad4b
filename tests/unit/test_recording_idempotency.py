"""Recording a conversation is safe to retry: its append carries a key derived from message ids.

The persist node and the agent middleware record through ``arecord_new_messages``. When its
append's outcome is unknown (``SessionWriteUnknownError``: sent, never confirmed), the caller
retries the whole record; the retry reads the session back first, but a stalled append may land
only after that read, so what keeps the turn single is the append's idempotency key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from cognee_langchain.errors import SessionWriteUnknownError
from cognee_langchain.ids import validate_id
from cognee_langchain.services.recording import arecord_new_messages, recording_key
from cognee_langchain.sessions import SQLiteSessionStore


class StallingStore(SQLiteSessionStore):
    """Its first append stalls: the caller gets SessionWriteUnknownError, and the append lands
    later, just before the next append (after the retry has read the session back)."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.keys: list[str | None] = []
        self._stalled: Callable[[], Awaitable[int]] | None = None

    async def aappend(
        self,
        user_id: str,
        session_id: str,
        messages: Sequence[BaseMessage],
        *,
        idempotency_key: str | None = None,
    ) -> int:
        append = partial(
            super().aappend, user_id, session_id, messages, idempotency_key=idempotency_key
        )
        self.keys.append(idempotency_key)
        if len(self.keys) == 1:
            self._stalled = append
            raise SessionWriteUnknownError("redis://127.0.0.1:6379/0")
        if self._stalled is not None:
            stalled, self._stalled = self._stalled, None
            await stalled()
        return await append()


TURN: list[BaseMessage] = [HumanMessage("Who leads Acme?", id="q1"), AIMessage("Ada.", id="a1")]


async def test_a_record_retried_after_an_unknown_outcome_stores_the_turn_once() -> None:
    store = StallingStore()
    with pytest.raises(SessionWriteUnknownError, match="same idempotency_key"):
        await arecord_new_messages(store, "u", "s", TURN)
    new, marker = await arecord_new_messages(store, "u", "s", TURN)  # the caller's retry
    assert new == TURN
    assert marker == {"seq": 2, "ids": ["q1", "a1"]}
    assert (await store.aread("u", "s")).messages == TURN
    assert store.keys == [recording_key(["q1", "a1"])] * 2
    await store.aclose()


async def test_later_turns_get_their_own_keys() -> None:
    store = StallingStore()
    store.keys.append(None)  # no stall
    _, marker = await arecord_new_messages(store, "u", "s", TURN)
    second = [*TURN, HumanMessage("Since when?", id="q2"), AIMessage("2020.", id="a2")]
    new, _ = await arecord_new_messages(store, "u", "s", second, marker)
    assert new == second[2:]
    assert store.keys[1:] == [recording_key(["q1", "a1"]), recording_key(["q2", "a2"])]
    assert (await store.aread("u", "s")).messages == second
    await store.aclose()


def test_recording_keys_are_distinct_valid_ids() -> None:
    keys = {
        recording_key(ids)
        for ids in (["a", "b"], ["ab"], ["b", "a"], ["a:b"], ["a", "b", ""], ["\ud800"])
    }
    assert len(keys) == 6
    for key in keys:  # a digest: even a bad message id gives a usable key
        assert validate_id(key, "idempotency_key") == key
    assert recording_key(["x"]) == recording_key(iter(["x"]))
