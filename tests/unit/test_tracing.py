"""Tracing: ``remember``, ``recall``, ``improve``, ``search`` and the persist pipeline each show in
LangChain callbacks (so in LangSmith) as one named run tree, with the model calls and the
pipeline's nodes as child runs; the caller's ``config`` and an enclosing ``Runnable`` decide
where that tree hangs; errors end the run with the error."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.callbacks import BaseCallbackHandler, CallbackManagerForLLMRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.logs import preview
from cognee_langchain.core.tracing import TRACE_CHARS, TRACE_ITEMS, traced
from cognee_langchain.errors import ExtractionError, InvalidInputError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.pipelines.persist_sessions import (
    persist_sessions_in_knowledge_graph_pipeline,
)
from cognee_langchain.services.persist import PipelineRun
from tests.unit.test_memory_support import BagOfWordsEmbeddings

ACME = "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets."
EXTRACTION = {
    "entities": [
        {"name": "Alice Johnson", "type": "Person", "description": "leads Acme Corp"},
        {"name": "Acme Corp", "type": "Organization", "description": "builds rockets"},
    ],
    "relations": [
        {
            "source": "Alice Johnson",
            "predicate": "leads",
            "target": "Acme Corp",
            "description": "",
        }
    ],
    "summary": "Alice Johnson leads Acme Corp.",
}


class ScriptedModel(BaseChatModel):
    """Offline chat model: a structured-output call (tools bound) gets the extraction tool call,
    any other call ``answer`` (an exception is raised instead)."""

    answer: Any = "Alice Johnson leads Acme Corp [1]."

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, BaseMessage]:  # type: ignore[override]
        return self.bind(tools=tools, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if "tools" in kwargs:
            call = {"name": "ChunkExtraction", "args": EXTRACTION, "id": "call_1"}
            message = AIMessage("", tool_calls=[call])
        elif isinstance(self.answer, BaseException):
            raise self.answer
        else:
            message = AIMessage(self.answer)
        return ChatResult(generations=[ChatGeneration(message=message)])


class Run:
    """One run as the callbacks saw it."""

    def __init__(self, kind: str, name: str, run_id: UUID, parent: UUID | None, **extra: Any):
        self.kind, self.name, self.id, self.parent = kind, name, run_id, parent
        self.tags: list[str] = extra.get("tags") or []
        self.metadata: dict[str, Any] = extra.get("metadata") or {}
        self.inputs: Any = extra.get("inputs")
        self.outputs: Any = None
        self.error: BaseException | None = None
        self.ended = False


class Recorder(BaseCallbackHandler):
    """Records every run start, end and error (thread-safe: handlers may run in executors)."""

    def __init__(self) -> None:
        self.runs: dict[UUID, Run] = {}
        self.order: list[UUID] = []
        self._lock = threading.Lock()

    def _start(self, kind: str, serialized: Any, inputs: Any, run_id: UUID, kw: Any) -> None:
        name = kw.get("name") or (serialized or {}).get("name", "?")
        run = Run(
            kind,
            name,
            run_id,
            kw.get("parent_run_id"),
            tags=kw.get("tags"),
            metadata=kw.get("metadata"),
            inputs=inputs,
        )
        with self._lock:
            self.runs[run_id] = run
            self.order.append(run_id)

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, **kw: Any) -> None:
        self._start("chain", serialized, inputs, run_id, kw)

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: UUID, **kw: Any
    ) -> None:
        self._start("llm", serialized, messages, run_id, kw)

    def on_retriever_start(self, serialized: Any, query: str, *, run_id: UUID, **kw: Any) -> None:
        self._start("retriever", serialized, query, run_id, kw)

    def on_tool_start(self, serialized: Any, input_str: str, *, run_id: UUID, **kw: Any) -> None:
        self._start("tool", serialized, input_str, run_id, kw)

    def on_retriever_end(self, documents: Any, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].outputs, self.runs[run_id].ended = documents, True

    def on_tool_end(self, output: Any, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].outputs, self.runs[run_id].ended = output, True

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].outputs, self.runs[run_id].ended = outputs, True

    def on_llm_end(self, response: Any, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].ended = True

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].error, self.runs[run_id].ended = error, True

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        self.runs[run_id].error, self.runs[run_id].ended = error, True

    # -- views ----------------------------------------------------------------------------------
    def roots(self) -> list[Run]:
        return [self.runs[i] for i in self.order if self.runs[i].parent not in self.runs]

    def children(self, run: Run) -> list[Run]:
        return [self.runs[i] for i in self.order if self.runs[i].parent == run.id]

    def descendants(self, run: Run) -> list[Run]:
        found = []
        for child in self.children(run):
            found += [child, *self.descendants(child)]
        return found

    def tree(self, run: Run, depth: int = 0) -> str:
        lines = [f"{'  ' * depth}{run.kind}:{run.name}"]
        lines += [self.tree(child, depth + 1) for child in self.children(run)]
        return "\n".join(lines)


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[GraphMemory]:
    memory = GraphMemory(tmp_path, llm=ScriptedModel(), embeddings=BagOfWordsEmbeddings())
    yield memory
    memory.close()


def only_root(recorder: Recorder, name: str) -> Run:
    roots = recorder.roots()
    assert [root.name for root in roots] == [name], [recorder.tree(r) for r in roots]
    (root,) = roots
    assert root.ended and root.error is None
    return root


def names(runs: Sequence[Run]) -> list[str]:
    return [run.name for run in runs]


# -- one named run tree per operation ------------------------------------------------------------
def test_remember_is_one_run_with_the_extraction_calls_as_children(memory: GraphMemory) -> None:
    recorder = Recorder()
    result = memory.remember(ACME, dataset="main", config={"callbacks": [recorder]})

    root = only_root(recorder, "cognee_langchain.remember")
    assert names(recorder.children(root)) == ["extract_chunk"]
    models = [run for run in recorder.descendants(root) if run.kind == "llm"]
    assert names(models) == ["ScriptedModel"] and all(run.ended for run in models)
    assert root.inputs["dataset"] == "main" and root.inputs["data"] == ACME
    assert root.outputs["entities_added"] == result.entities_added == 2
    assert root.outputs["document_ids"] == list(result.document_ids)


def test_recall_is_one_run_with_the_answer_call_as_child(memory: GraphMemory) -> None:
    memory.remember(ACME)
    recorder = Recorder()
    result = memory.recall("Who leads Acme?", session_id="s1", config={"callbacks": [recorder]})

    root = only_root(recorder, "cognee_langchain.recall")
    (answer,) = recorder.children(root)
    assert (answer.kind, answer.name) == ("llm", "ScriptedModel")
    assert root.inputs["query"] == "Who leads Acme?" and root.inputs["session_id"] == "s1"
    assert root.outputs["answer"] == result.answer
    assert [d["id"] for d in root.outputs["context"]] == [d.id for d in result.context]


def test_improve_nests_the_pipeline_and_its_nodes_under_one_run(memory: GraphMemory) -> None:
    memory.remember(ACME)
    memory.recall("Who leads Acme?", session_id="s1")
    recorder = Recorder()
    result = memory.improve(session_ids=["s1"], config={"callbacks": [recorder]})

    root = only_root(recorder, "cognee_langchain.improve")
    (pipeline,) = recorder.children(root)
    assert pipeline.name == "persist_sessions"
    assert names(recorder.children(pipeline)) == ["extract_user_sessions", "cognify_session"]
    below = recorder.descendants(pipeline)
    assert "extract_chunk" in names(below)  # the Q&A's extraction call, inside cognify_session
    assert root.outputs["messages_persisted"] == result.messages_persisted == 2


def test_the_cognee_pipeline_entry_point_is_its_own_named_run(memory: GraphMemory) -> None:
    memory.remember(ACME)
    memory.recall("Who leads Acme?", session_id="s1")
    recorder = Recorder()

    async def persist() -> None:
        await persist_sessions_in_knowledge_graph_pipeline(
            memory.user, ["s1"], memory=memory, config={"callbacks": [recorder]}
        )

    asyncio.run(persist())
    root = only_root(recorder, "cognee_langchain.persist_sessions")
    assert names(recorder.children(root)) == ["persist_sessions"]


def test_a_background_improve_is_traced_until_it_ends(memory: GraphMemory) -> None:
    memory.remember(ACME)
    memory.recall("Who leads Acme?", session_id="s1")
    recorder = Recorder()
    run = memory.improve(
        session_ids=["s1"], run_in_background=True, config={"callbacks": [recorder]}
    )
    assert isinstance(run, PipelineRun)
    result = run.result(timeout=60)

    root = only_root(recorder, "cognee_langchain.improve")
    assert root.outputs["messages_persisted"] == result.messages_persisted
    assert "cognify_session" in names(recorder.descendants(root))


def test_search_through_the_retriever_and_the_tool_nests_the_memory_run(
    memory: GraphMemory,
) -> None:
    memory.remember(ACME)
    for runnable, kind in ((memory.as_retriever(), "GraphRetriever"), (memory.as_tool(), "")):
        recorder = Recorder()
        tool_input: Any = "Acme" if kind else {"query": "Acme"}
        runnable.invoke(tool_input, config={"callbacks": [recorder]})
        (root,) = recorder.roots()
        assert (root.kind, root.name) == (
            ("retriever", kind) if kind else ("tool", "search_memory")
        )
        (search,) = recorder.children(root)
        assert search.name == "cognee_langchain.search" and search.ended
        assert search.outputs["output"][0]["page_content"] == ACME


# -- the caller's config, and the ambient one ----------------------------------------------------
def test_callbacks_tags_metadata_and_run_name_flow_through_config(memory: GraphMemory) -> None:
    memory.remember(ACME)
    recorder = Recorder()
    config: RunnableConfig = {
        "callbacks": [recorder],
        "tags": ["team-a"],
        "metadata": {"tenant": "acme"},
        "run_name": "my_recall",
    }
    memory.recall("Who leads Acme?", config=config)

    root = only_root(recorder, "my_recall")
    (answer,) = recorder.children(root)
    for run in (root, answer):  # tags and metadata are inherited; the run name is not
        assert "team-a" in run.tags and run.metadata["tenant"] == "acme"
    assert answer.name == "ScriptedModel"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_call_inside_a_runnable_nests_under_it(memory: GraphMemory, mode: str) -> None:
    memory.remember(ACME)
    recorder = Recorder()

    def step(question: str) -> str:
        return memory.recall(question).answer

    async def astep(question: str) -> str:
        return (await memory.arecall(question)).answer

    parent = RunnableLambda(step, afunc=astep, name="my_agent_step")
    config: RunnableConfig = {"callbacks": [recorder]}
    if mode == "sync":
        parent.invoke("Who leads Acme?", config)
    else:
        asyncio.run(parent.ainvoke("Who leads Acme?", config))

    root = only_root(recorder, "my_agent_step")
    (recall,) = recorder.children(root)
    assert recall.name == "cognee_langchain.recall"
    assert names(recorder.children(recall)) == ["ScriptedModel"]


def test_a_sync_call_on_the_package_loop_keeps_its_parent(memory: GraphMemory) -> None:
    """A sync method called from code the package's own loop runs takes the nested path of
    run_sync (a private loop in a helper thread), which must carry the caller's run along."""
    memory.remember(ACME)
    recorder = Recorder()

    async def astep(question: str) -> str:
        return memory.recall(question).answer  # sync, on the package's background loop

    parent = RunnableLambda(lambda question: question, afunc=astep, name="outer")
    run_sync(parent.ainvoke("Who leads Acme?", {"callbacks": [recorder]}))

    root = only_root(recorder, "outer")
    assert names(recorder.children(root)) == ["cognee_langchain.recall"]


def test_without_callbacks_nothing_is_recorded_and_results_are_unchanged(
    memory: GraphMemory,
) -> None:
    recorder = Recorder()
    memory.remember(ACME, config={"callbacks": [recorder]})
    traced_result = memory.recall("Who leads Acme?")
    assert memory.recall("Who leads Acme?", config={"callbacks": [recorder]}) == traced_result
    assert names(recorder.roots()) == ["cognee_langchain.remember", "cognee_langchain.recall"]


# -- errors --------------------------------------------------------------------------------------
def test_a_failed_recall_ends_its_run_with_the_error(tmp_path: Path) -> None:
    llm = ScriptedModel(answer=RuntimeError("model down"))
    memory = GraphMemory(tmp_path, llm=llm, embeddings=BagOfWordsEmbeddings())
    try:
        memory.remember(ACME)
        recorder = Recorder()
        with pytest.raises(ExtractionError) as raised:
            memory.recall("Who leads Acme?", config={"callbacks": [recorder]})
    finally:
        memory.close()
    (root,) = recorder.roots()
    assert root.name == "cognee_langchain.recall" and root.error is raised.value
    (answer,) = recorder.children(root)
    assert answer.kind == "llm" and isinstance(answer.error, RuntimeError)


def test_bad_input_ends_the_run_with_the_invalid_input_error(memory: GraphMemory) -> None:
    recorder = Recorder()
    with pytest.raises(InvalidInputError) as raised:
        memory.remember("   ", config={"callbacks": [recorder]})
    (root,) = recorder.roots()
    assert root.name == "cognee_langchain.remember" and root.error is raised.value


def test_a_block_that_raises_resets_the_ambient_config() -> None:
    from langchain_core.runnables.config import var_child_runnable_config

    recorder = Recorder()

    async def fail() -> None:
        async with traced("outer", {}, {"callbacks": [recorder]}) as run:
            assert var_child_runnable_config.get() is run.config
            raise KeyError("boom")

    with pytest.raises(KeyError):
        asyncio.run(fail())
    assert var_child_runnable_config.get() is None
    (root,) = recorder.roots()
    assert isinstance(root.error, KeyError)


# -- what a run records: bounded and redacted ----------------------------------------------------
def test_inputs_and_outputs_are_clipped_and_redacted() -> None:
    recorder = Recorder()
    secret = "redis://user:hunter2@cache:6379/0"
    long_text = "word " * 10_000
    documents = [Document(page_content=f"doc {i}", id=str(i)) for i in range(50)]

    async def run() -> None:
        inputs = {"url": secret, "text": long_text, "path": Path("notes.txt")}
        async with traced("op", inputs, {"callbacks": [recorder]}) as block:
            block.output = documents

    asyncio.run(run())
    (root,) = recorder.roots()
    assert "hunter2" not in str(root.inputs) and "user:***@cache" in root.inputs["url"]
    assert len(root.inputs["text"]) == TRACE_CHARS and root.inputs["text"].endswith("…")
    assert root.inputs["path"] == "notes.txt"
    shown = root.outputs["output"]
    assert len(shown) == TRACE_ITEMS + 1 and shown[-1] == f"… {50 - TRACE_ITEMS} more"
    assert shown[0] == {"id": "0", "page_content": "doc 0"}


@given(st.text(max_size=400), st.integers(min_value=2, max_value=200))
def test_preview_is_one_bounded_line(text: str, limit: int) -> None:
    shown = preview(text, limit)
    assert len(shown) <= limit and "\n" not in shown
    assert shown == " ".join(text.split()) or shown.endswith("…") or shown != text


# -- logging -------------------------------------------------------------------------------------
SECRET_TEXT = "Zorblax Quenton leads Acme Corp. The vault password=hunter2 opens it."


def test_operations_log_at_debug_without_secrets_or_user_text_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    caplog.set_level(logging.DEBUG, logger="cognee_langchain")
    memory = GraphMemory(tmp_path)  # the default embeddings: wordllama touches logging at import
    try:
        memory.remember(SECRET_TEXT, dataset="main")
        memory.recall("Does Zorblax know the password=hunter2?", session_id="s1", datasets="main")
        memory.improve(dataset="main", session_ids=["s1"])
    finally:
        memory.close()

    records = [r for r in caplog.records if r.name.startswith("cognee_langchain")]
    by_logger = {r.name for r in records}
    for module in ("services.ingest", "services.recall", "services.search", "services.persist"):
        assert f"cognee_langchain.{module}" in by_logger, sorted(by_logger)
    assert any(r.levelno == logging.DEBUG for r in records)
    messages = [(r.levelno, r.getMessage()) for r in records]
    assert not [m for _, m in messages if "hunter2" in m]  # redacted even at DEBUG
    assert any("Zorblax" in m for lvl, m in messages if lvl == logging.DEBUG)  # a preview
    assert not [m for lvl, m in messages if lvl >= logging.INFO and "Zorblax" in m]
    info = [m for lvl, m in messages if lvl == logging.INFO]
    assert any("Ingested 1 item(s) into dataset 'main'" in m for m in info), info
    assert any("Persisted sessions into dataset 'main'" in m and "2 message(s)" in m for m in info)
    # The package adds no handler and leaves the root logger as it found it.
    assert root.handlers == handlers and root.level == level
    package_loggers = [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if name.startswith("cognee_langchain") and isinstance(logger, logging.Logger)
    ]
    assert package_loggers
    for logger in package_loggers:
        assert logger.propagate
        assert all(isinstance(h, logging.NullHandler) for h in logger.handlers), logger.name


def test_a_session_store_failure_is_logged_without_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import redis

    from cognee_langchain.errors import SessionStoreUnavailableError
    from cognee_langchain.sessions.redis_errors import Reachable

    url = "redis://alice:s3cretpw@cache.internal:6379/0?password=s3cretpw"
    caplog.set_level(logging.DEBUG, logger="cognee_langchain")
    with pytest.raises(SessionStoreUnavailableError), Reachable(url):
        raise redis.exceptions.ConnectionError(f"Error connecting to {url}")
    (record,) = [r for r in caplog.records if r.name.startswith("cognee_langchain.sessions")]
    assert record.levelno == logging.INFO and "cache.internal" in record.getMessage()
    assert "s3cretpw" not in record.getMessage()
