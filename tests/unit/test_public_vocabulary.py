"""One public vocabulary on every entry point: ``dataset`` where a write goes, ``datasets`` what a
read covers, ``top_k`` for the result count, ``search_type`` as a name or a ``SearchConfig``, the
same defaults everywhere; old spellings work for one release with a ``DeprecationWarning``;
unknown arguments are errors, never silently ignored."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from cognee_langchain.core.defaults import DEFAULT_DATASET, DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.memory import GraphMemory
from cognee_langchain.middleware import GraphMemoryMiddleware
from cognee_langchain.nodes import make_persist_node, make_recall_node
from cognee_langchain.pipelines.persist_sessions import (
    persist_sessions_in_knowledge_graph_pipeline,
)
from cognee_langchain.retrieval.config import SEARCH_PRESETS
from cognee_langchain.retrievers import GraphRetriever
from cognee_langchain.tools import create_memory_tool
from cognee_langchain.users import User
from tests.unit.test_memory_support import BagOfWordsEmbeddings

ACME = "Alice Johnson leads Acme Corp. Acme Corp builds reusable rockets."
INITECH = "Dan Brown leads Initech. Initech sells staplers."

READS: list[Callable[..., Any]] = [
    GraphMemory.search,
    GraphMemory.asearch,
    GraphMemory.recall,
    GraphMemory.arecall,
    GraphMemory.stats,
    GraphMemory.astats,
    GraphMemory.visualize,
    GraphMemory.avisualize,
    GraphMemory.to_networkx,
    GraphMemory.readable_datasets,
    create_memory_tool,
    make_recall_node,
    GraphMemoryMiddleware.__init__,
]
WRITES: list[Callable[..., Any]] = [
    GraphMemory.remember,
    GraphMemory.aremember,
    GraphMemory.ingest,
    GraphMemory.forget,
    GraphMemory.improve,
    GraphMemory.aimprove,
    make_persist_node,
    GraphMemoryMiddleware.__init__,  # where its background improve writes
    persist_sessions_in_knowledge_graph_pipeline,
]


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphMemory]:
    memory = GraphMemory(tmp_path_factory.mktemp("vocabulary"), embeddings=BagOfWordsEmbeddings())
    memory.remember(ACME)
    memory.remember(INITECH, dataset="other")
    yield memory
    memory.close()


def _params(function: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(function).parameters)


# -- one vocabulary, one set of defaults --------------------------------------------------------
@pytest.mark.parametrize("function", READS, ids=lambda f: f.__qualname__)
def test_reads_take_datasets(function: Callable[..., Any]) -> None:
    params = _params(function)
    assert "datasets" in params
    assert params["datasets"].default is None


@pytest.mark.parametrize("function", WRITES, ids=lambda f: f.__qualname__)
def test_writes_take_one_dataset_with_one_default(function: Callable[..., Any]) -> None:
    params = _params(function)
    assert "dataset" in params
    assert params["dataset"].default in (DEFAULT_DATASET, inspect.Parameter.empty)


@pytest.mark.parametrize(
    "function",
    [
        GraphMemory.search,
        GraphMemory.recall,
        create_memory_tool,
        make_recall_node,
        GraphMemoryMiddleware.__init__,
    ],
    ids=lambda f: f.__qualname__,
)
def test_result_count_and_search_type_have_one_name_and_one_default(
    function: Callable[..., Any],
) -> None:
    params = _params(function)
    assert params["top_k"].default == DEFAULT_TOP_K
    assert params["search_type"].default == DEFAULT_SEARCH_TYPE
    assert "k" not in params


def test_retriever_fields_use_the_same_names_and_defaults() -> None:
    fields = GraphRetriever.model_fields
    assert fields["top_k"].default == DEFAULT_TOP_K
    assert fields["search_type"].default == DEFAULT_SEARCH_TYPE
    assert fields["datasets"].default is None
    assert "k" not in fields


# -- search_type: a name or a config, everywhere ------------------------------------------------
def test_a_search_config_is_accepted_wherever_a_search_type_is(memory: GraphMemory) -> None:
    config = SEARCH_PRESETS["chunks"]
    by_name = memory.search("Who leads Acme?", search_type="chunks", top_k=2)
    assert memory.search("Who leads Acme?", search_type=config, top_k=2) == by_name
    assert memory.as_retriever(search_type=config, top_k=2).invoke("Who leads Acme?") == by_name
    tool = create_memory_tool(memory, search_type=config, top_k=2)
    assert tool.invoke({"query": "Who leads Acme?"}) == create_memory_tool(
        memory, search_type="chunks", top_k=2
    ).invoke({"query": "Who leads Acme?"})
    node = make_recall_node(memory, search_type=config, top_k=2)
    state = {"messages": [HumanMessage("Who leads Acme?", id="m1")]}
    assert node.invoke(state)["memory_context"] == by_name
    recalled = memory.recall("Who leads Acme?", search_type=config, top_k=2)
    assert recalled.context == by_name


# -- old spellings: one release with a warning, same result -------------------------------------
def test_dataset_on_reads_still_works_with_a_warning(memory: GraphMemory, tmp_path: Path) -> None:
    expected = memory.search("Who leads?", datasets="other")
    with pytest.warns(DeprecationWarning, match="dataset= is deprecated.*datasets="):
        assert memory.search("Who leads?", dataset="other") == expected
    with pytest.warns(DeprecationWarning):
        assert memory.recall("Who leads?", dataset="other").context == expected
    with pytest.warns(DeprecationWarning):
        assert memory.stats(dataset="other") == memory.stats(datasets="other")
    with pytest.warns(DeprecationWarning):
        memory.visualize(tmp_path / "g.html", dataset="other")
    with pytest.warns(DeprecationWarning):
        tool = create_memory_tool(memory, dataset="other")
    assert tool.invoke({"query": "Who leads?"}) == create_memory_tool(
        memory, datasets="other"
    ).invoke({"query": "Who leads?"})
    with pytest.warns(DeprecationWarning):
        node = make_recall_node(memory, dataset="other")
    state = {"messages": [HumanMessage("Who leads?", id="m1")]}
    assert (
        node.invoke(state)["memory_context"]
        == make_recall_node(memory, datasets="other").invoke(state)["memory_context"]
    )


def test_retriever_k_still_works_with_a_warning(memory: GraphMemory) -> None:
    with pytest.warns(DeprecationWarning, match="k= is deprecated.*top_k="):
        retriever = memory.as_retriever(k=1)
    assert retriever.top_k == 1 and len(retriever.invoke("Acme")) == 1
    with pytest.warns(DeprecationWarning):
        assert len(memory.as_retriever().invoke("Acme", k=1)) == 1


def test_middleware_recall_datasets_still_works_with_a_warning(memory: GraphMemory) -> None:
    with pytest.warns(DeprecationWarning, match="recall_datasets= is deprecated"):
        middleware = GraphMemoryMiddleware(memory, recall_datasets="other")
    assert middleware.datasets == ["other"]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.search("Acme", dataset="other", datasets="other"),
        lambda m: m.as_retriever(k=1, top_k=2),
        lambda m: create_memory_tool(m, dataset="a", datasets="b"),
        lambda m: GraphMemoryMiddleware(m, recall_datasets="a", datasets="b"),
    ],
)
def test_both_spellings_at_once_is_an_error(
    memory: GraphMemory, call: Callable[[GraphMemory], Any]
) -> None:
    with pytest.raises(InvalidInputError, match="only"):
        call(memory)


# -- unknown arguments are errors, never ignored ------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.search("Acme", dataste="other"),
        lambda m: m.recall("Acme", topk=1),
        lambda m: m.stats(datset="other"),
        lambda m: m.as_retriever(dataset="other", top_k=1),  # the retriever never took dataset
        lambda m: GraphRetriever(memory=m, kk=2),
        lambda m: m.as_retriever().invoke("Acme", n=3),
        lambda m: create_memory_tool(m, tok_k=3),
        lambda m: make_recall_node(m, datsets="other"),
        lambda m: GraphMemoryMiddleware(m, recal=False),
        lambda m: User(idd="x"),
    ],
)
def test_unknown_arguments_are_errors(
    memory: GraphMemory, call: Callable[[GraphMemory], Any]
) -> None:
    with pytest.raises(InvalidInputError):
        call(memory)


def test_retriever_rejects_what_is_not_a_memory() -> None:
    with pytest.raises(InvalidInputError, match="GraphMemory"):
        GraphRetriever(memory=object())


def test_memory_constructor_rejects_unknown_options(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="llmm"):
        GraphMemory(tmp_path, llmm=None)  # type: ignore[call-arg]


# -- one set of error types -----------------------------------------------------------------------
def test_every_error_type_is_exported_from_the_package() -> None:
    import cognee_langchain
    from cognee_langchain import errors

    types = {
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), errors.CogneeLangchainError)
    }
    assert "SessionWriteUnknownError" in types
    assert types <= set(cognee_langchain.__all__)
    for name in types:
        assert getattr(cognee_langchain, name) is getattr(errors, name)
    # an unconfirmed write is still "unavailable" to code that only catches that
    assert issubclass(
        cognee_langchain.SessionWriteUnknownError, cognee_langchain.SessionStoreUnavailableError
    )


def test_the_default_message_size_is_one_of_the_defaults() -> None:
    from cognee_langchain.core import defaults
    from cognee_langchain.sessions import base

    assert base.DEFAULT_MAX_MESSAGE_CHARS is defaults.DEFAULT_MAX_MESSAGE_CHARS == 1_000_000
    assert "DEFAULT_MAX_MESSAGE_CHARS" in defaults.__all__
