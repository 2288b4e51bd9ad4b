"""Q&A turns with unique markers, and the check that each was persisted exactly once: shared by
the persist-sessions fault tests (in-process faults, SIGKILL, a Redis restart)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage

from cognee_langchain.core.defaults import SESSIONS_NODE_SET
from cognee_langchain.memory import GraphMemory

DATASET = "main_dataset"


def question(i: int) -> str:
    return f"Question{i:03d} about Acme?"


def closing(i: int) -> str:
    """The last words of answer ``i``: a chunk overlap repeats an entry's end first."""
    return f"Closing{i:03d}."


def turn(i: int, answer_words: int = 0) -> list[Any]:
    """Q&A number ``i``: a question and an answer, each with its marker."""
    filler = " ".join(f"detail{n}" for n in range(answer_words))
    return [
        HumanMessage(question(i)),
        AIMessage(f"Answer{i:03d}. Carol Diaz founded Zeta{i}. {filler} {closing(i)}"),
    ]


def placement(memory: GraphMemory, asked: int) -> dict[str, tuple[int, int]]:
    """For each Q&A so far, by its question: (documents holding any part of it, the most chunks
    holding one part). Each turn is a chunk of its own, so a Q&A stored once is one document,
    and its question and its answer one chunk each."""
    store = memory.graph_store
    documents = store.list_documents(DATASET, node_set=SESSIONS_NODE_SET)
    chunk_ids = {cid for d in documents for cid in d.chunk_ids}
    chunks = {c.id: c.text for c in store.get_chunks(sorted(chunk_ids))}
    counts = {}
    for i in range(asked):
        q, end = question(i), closing(i)
        asking = {cid for cid, text in chunks.items() if q in text}
        answering = {cid for cid, text in chunks.items() if end in text}
        holding = asking | answering
        in_documents = sum(bool(holding.intersection(d.chunk_ids)) for d in documents)
        counts[q] = (in_documents, max(len(asking), len(answering)))
    return counts


def assert_exactly_once(memory: GraphMemory, asked: int) -> None:
    """Each of the ``asked`` Q&A is in exactly one document, each part in one chunk."""
    assert placement(memory, asked) == {question(i): (1, 1) for i in range(asked)}
