"""What a memory accepts at construction, and closing it in every state: after a failed open,
twice, and while a background improve runs."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI

from cognee_langchain.core.defaults import Limits
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.extraction.llm import LLMGraphExtractor
from cognee_langchain.extraction.schema import ChunkExtraction
from cognee_langchain.graph.sqlite import SQLiteGraphStore
from cognee_langchain.memory import GraphMemory
from cognee_langchain.services.persist import PersistSessionsResult, RunStatus
from cognee_langchain.sessions.redis import RedisSessionStore
from cognee_langchain.sessions.sqlite import SQLiteSessionStore
from tests.unit.test_memory_support import BagOfWordsEmbeddings, PatternExtractor


class GatedExtractor(PatternExtractor):
    """Blocks every extraction until ``gate`` is set, so a run can be caught in flight."""

    def __init__(self) -> None:
        super().__init__({})
        self.gate = threading.Event()
        self.entered = threading.Event()

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        self.entered.set()
        while not self.gate.is_set():
            await asyncio.sleep(0.01)
        return await super().aextract(texts)


# -- construction -------------------------------------------------------------------------------
def test_stores_may_be_named_by_url_or_path(tmp_path: Path) -> None:
    memory = GraphMemory(
        tmp_path / "data",
        session_store="redis://127.0.0.1:6379/0",
        graph_store=tmp_path / "elsewhere" / "graph.sqlite",
    )
    assert isinstance(memory.session_store, RedisSessionStore)  # no connection until used
    assert isinstance(memory.graph_store, SQLiteGraphStore)
    assert (tmp_path / "elsewhere" / "graph.sqlite").exists()
    memory.close()

    other = GraphMemory(tmp_path / "d2", session_store=str(tmp_path / "s.sqlite"))
    assert isinstance(other.session_store, SQLiteSessionStore)
    assert (tmp_path / "s.sqlite").exists()
    other.close()


@pytest.mark.parametrize(
    ("option", "value", "match"),
    [
        ("session_store", 42, "session_store must be"),
        ("session_store", "", "session_store must be"),
        ("graph_store", ":memory:", "lose the graph"),
        ("graph_store", object(), "graph_store must be"),
        ("llm", "gpt-4o", "chat model"),
        ("embeddings", "wordllama", "Embeddings"),
        ("extractor", object(), "GraphExtractor"),
        ("llm_timeout", 0, "llm_timeout"),
        ("llm_timeout", True, "llm_timeout"),
        ("limits", {"max_query_chars": 5}, "Limits"),
        ("user", "alice", "User"),
        ("graph_store", "g\x00.sqlite", "graph_store .* NUL"),
        ("graph_store", "g\ud800.sqlite", "graph_store .* cannot encode"),
        ("session_store", "s\x00.sqlite", "session_store .* NUL"),
        ("session_store", "redis://h\ud800:6379/0", "session_store URL contains invalid Unicode"),
    ],
)
def test_unusable_options_are_rejected_at_once(
    tmp_path: Path, option: str, value: object, match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        GraphMemory(tmp_path, **{option: value})  # type: ignore[arg-type]
    assert not tmp_path.joinpath("graph.sqlite").exists()  # nothing was opened


@pytest.mark.parametrize(
    ("data_dir", "match"),
    [
        ("", "data_dir is empty"),
        ("  ", "data_dir is empty"),
        ("mem\x00ory", "data_dir .* NUL"),
        ("mem\udfffory", "data_dir .* cannot encode"),
        (b"memory", "data_dir must be a str or Path, got bytes"),
    ],
)
def test_an_unusable_data_dir_is_rejected_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: object, match: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInputError, match=match):
        GraphMemory(data_dir)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_non_utf8_posix_data_dir_works(tmp_path: Path) -> None:
    # os.listdir / sys.argv give a Latin-1 name as a surrogate escape: a usable path
    folder = tmp_path / os.fsdecode(b"m\xe9moire")
    memory = GraphMemory(folder, extractor=PatternExtractor({}), embeddings=BagOfWordsEmbeddings())
    memory.remember("Alice Johnson leads Acme Corp.")
    memory.close()
    assert os.fsencode(tmp_path) + b"/m\xe9moire" in [os.fsencode(p) for p in tmp_path.iterdir()]


def test_llm_timeout_bounds_the_default_extractor(tmp_path: Path) -> None:
    # constructing ChatOpenAI opens no connection (unit tests run without network)
    llm = ChatOpenAI(model="gpt-test", api_key="test", base_url="http://127.0.0.1:9/v1")
    memory = GraphMemory(tmp_path, llm=llm, llm_timeout=2.5)
    extractor = memory.extractor
    assert isinstance(extractor, LLMGraphExtractor)
    assert extractor.timeout == 2.5
    assert memory.runtime.limits == Limits()


# -- closing --------------------------------------------------------------------------------------
def test_close_waits_for_a_background_improve_then_closes(tmp_path: Path) -> None:
    extractor = GatedExtractor()
    memory = GraphMemory(tmp_path, extractor=extractor, embeddings=BagOfWordsEmbeddings())
    extractor.gate.set()
    memory.remember("Alice Johnson leads Acme Corp.")
    extractor.gate.clear()
    memory.session_store.append(
        memory.user.id, "s", [HumanMessage("Who leads Acme Corp?"), AIMessage("Alice Johnson.")]
    )
    run = memory.improve(session_ids=["s"], run_in_background=True)
    assert extractor.entered.wait(10)
    closer = threading.Thread(target=memory.close)
    closer.start()
    closer.join(0.3)
    assert closer.is_alive()  # waiting for the run, not closing the stores under it
    extractor.gate.set()
    closer.join(10)
    assert not closer.is_alive()
    assert run.status is RunStatus.COMPLETED
    assert isinstance(run.result(), PersistSessionsResult)
    assert run.result().entries_persisted == 1
    assert memory.runtime._graph_store is None and memory.runtime._session_store is None
    memory.close()  # again: nothing left to do


async def test_aclose_waits_for_a_background_improve(tmp_path: Path) -> None:
    extractor = GatedExtractor()
    memory = GraphMemory(tmp_path, extractor=extractor, embeddings=BagOfWordsEmbeddings())
    extractor.gate.set()
    await memory.aremember("Alice Johnson leads Acme Corp.")
    extractor.gate.clear()
    await memory.session_store.aappend(
        memory.user.id, "s", [HumanMessage("Who leads Acme Corp?"), AIMessage("Alice Johnson.")]
    )
    run = await memory.aimprove(session_ids=["s"], run_in_background=True)
    await asyncio.to_thread(extractor.entered.wait, 10)
    closing = asyncio.ensure_future(memory.aclose())
    await asyncio.sleep(0.2)
    assert not closing.done()
    extractor.gate.set()
    await asyncio.wait_for(closing, 10)
    assert (await run).entries_persisted == 1
    await memory.aclose()


async def test_async_with_closes_the_stores_it_opened_and_use_reopens_them(tmp_path: Path) -> None:
    async with GraphMemory(
        tmp_path, extractor=PatternExtractor({}), embeddings=BagOfWordsEmbeddings()
    ) as memory:
        assert isinstance(memory, GraphMemory)
        await memory.aremember("Alice Johnson leads Acme Corp.")
        await memory.session_store.aappend(memory.user.id, "s", [HumanMessage("hi")])
        graph, sessions = memory.graph_store, memory.session_store
    assert memory.runtime._graph_store is None and memory.runtime._session_store is None
    # The stores it opened really are closed: each refuses work, naming the fix.
    with pytest.raises(InvalidInputError, match="is closed"):
        graph.current_revision()
    with pytest.raises(InvalidInputError, match="is closed"):
        sessions.read(memory.user.id, "s")
    # Using the memory again reopens them, on the same files.
    assert (await memory.astats()).datasets["main_dataset"].documents == 1
    assert [
        m.content for m in (await memory.session_store.aread(memory.user.id, "s")).messages
    ] == ["hi"]
    await memory.aclose()
    await memory.aclose()  # again: nothing left to do


async def test_async_with_closes_on_an_error_and_lets_it_through(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="inside the block"):
        async with GraphMemory(
            tmp_path, extractor=PatternExtractor({}), embeddings=BagOfWordsEmbeddings()
        ) as memory:
            await memory.aremember("Alice Johnson leads Acme Corp.")
            raise RuntimeError("inside the block")
    assert memory.runtime._graph_store is None and memory.runtime._session_store is None


async def test_aclose_leaves_stores_passed_in_open(tmp_path: Path) -> None:
    graph = SQLiteGraphStore(tmp_path / "graph.sqlite")
    sessions = SQLiteSessionStore(tmp_path / "sessions.sqlite")
    async with GraphMemory(
        tmp_path / "data",
        extractor=PatternExtractor({}),
        embeddings=BagOfWordsEmbeddings(),
        graph_store=graph,
        session_store=sessions,
    ) as memory:
        await memory.aremember("Alice Johnson leads Acme Corp.")
        await sessions.aappend(memory.user.id, "s", [HumanMessage("hi")])
    # They belong to the caller: still usable after the memory closed.
    assert graph.current_revision() >= 1
    assert [m.content for m in sessions.read(memory.user.id, "s").messages] == ["hi"]
    assert memory.graph_store is graph and memory.session_store is sessions
    graph.close()
    sessions.close()
