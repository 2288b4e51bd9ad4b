"""The memory as a LangChain tool an agent can call, and how recalled memories are shown to a model.

:func:`create_memory_tool` (also ``GraphMemory.as_tool()``) wraps ``memory.asearch`` as a
``StructuredTool`` whose content is the rendered memories and whose artifact is the documents
themselves. :func:`format_memories` is the one rendering used by the tool, the agent middleware
and the LangGraph recall node, so a model sees memories the same way wherever they come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from langchain_core.documents import Document
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from cognee_langchain._async import run_sync
from cognee_langchain.errors import InvalidInputError

if TYPE_CHECKING:
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.users import User

__all__ = [
    "DEFAULT_TOOL_DESCRIPTION",
    "NO_MEMORIES",
    "MemoryQuery",
    "check_positive",
    "create_memory_tool",
    "fit_memories",
    "format_memories",
]

DEFAULT_TOOL_DESCRIPTION = (
    "Search long-term memory: facts, earlier conversations with the user and remembered "
    "documents. Use it when the answer may depend on something said or learned before. Input: "
    "a short natural-language query. Returns the most relevant memories, best first."
)
NO_MEMORIES = "No relevant memories found."
# Token budgets are approximate: about four characters per token for English text.
_CHARS_PER_TOKEN = 4
_ELLIPSIS = "…"


class MemoryQuery(BaseModel):
    """Arguments of the memory tool."""

    query: str = Field(
        min_length=1,
        pattern=r"\S",
        description="What to look up: a few keywords or a question.",
    )


def check_positive(value: object, name: str) -> int:
    """Return ``value`` if it is an int >= 1, else raise :class:`InvalidInputError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"{name} must be a positive int, got {value!r}.")
    return value


def fit_memories(
    documents: Sequence[Document], max_tokens: int | None = None
) -> list[tuple[Document, str]]:
    """The documents that fit in ``max_tokens`` (≈ characters / 4), best first, each with its line.

    Documents are taken in the given (rank) order until the next one would overflow the budget;
    when even the best one is too long, its beginning is kept. Whitespace runs collapse to one
    space, so a multi-line chunk costs one line. Empty documents are skipped.
    """
    budget = None if max_tokens is None else max_tokens * _CHARS_PER_TOKEN
    fitted: list[tuple[Document, str]] = []
    used = 0
    for document in documents:
        text = " ".join(document.page_content.split())
        if not text:
            continue
        kind = document.metadata.get("type")
        line = f"- [{kind}] {text}" if kind else f"- {text}"
        cost = len(line) + 1  # the newline joining it to the next line
        if budget is not None and used + cost > budget:
            room = budget - 1 - len(_ELLIPSIS)
            if not fitted and room > 0:
                fitted.append((document, line[:room] + _ELLIPSIS))
            break
        used += cost
        fitted.append((document, line))
    return fitted


def format_memories(documents: Sequence[Document], *, max_tokens: int | None = None) -> str:
    """Render memories as bullet lines (``- [type] text``), best first, within ``max_tokens``.

    Returns ``""`` when there is nothing to show.
    """
    return "\n".join(line for _, line in fit_memories(documents, max_tokens))


def create_memory_tool(
    memory: GraphMemory,
    *,
    name: str = "search_memory",
    description: str = DEFAULT_TOOL_DESCRIPTION,
    top_k: int = 5,
    dataset: str | Sequence[str] | None = None,
    search_type: str = "graph",
    max_tokens: int | None = None,
    user: User | None = None,
) -> BaseTool:
    """A LangChain tool that searches ``memory`` (``response_format="content_and_artifact"``).

    The tool's content is the rendered memories (:func:`format_memories`, or
    :data:`NO_MEMORIES`); its artifact is the list of retrieved ``Document`` objects with their
    metadata (id, type, score, dataset, provenance), for code that inspects the
    ``ToolMessage.artifact``. Works with ``invoke`` and ``ainvoke``::

        agent = create_agent(model, tools=[memory.as_tool()])

    Args:
        memory: the memory to search.
        name: the tool name the model sees.
        description: what the model is told the tool does.
        top_k: how many memories to retrieve per call.
        dataset: dataset name(s) to search; ``None`` searches every dataset ``user`` may read.
        search_type: ``"graph"`` (hybrid, default), ``"chunks"``, ``"facts"`` or ``"summaries"``.
        max_tokens: budget of the rendered content (≈ characters / 4); ``None`` for no limit.
        user: who searches; defaults to the memory's user.
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"name must be a non-empty str, got {name!r}.")
    if not isinstance(description, str) or not description.strip():
        raise InvalidInputError("description must be a non-empty str: tell the model what it does.")
    top_k = check_positive(top_k, "top_k")
    if max_tokens is not None:
        max_tokens = check_positive(max_tokens, "max_tokens")

    async def asearch_memory(query: str) -> tuple[str, list[Document]]:
        documents = await memory.asearch(
            query, dataset=dataset, search_type=search_type, top_k=top_k, user=user
        )
        fitted = fit_memories(documents, max_tokens)
        content = "\n".join(line for _, line in fitted) or NO_MEMORIES
        return content, [document for document, _ in fitted]

    def search_memory(query: str) -> tuple[str, list[Document]]:
        return run_sync(asearch_memory(query))

    return StructuredTool.from_function(
        func=search_memory,
        coroutine=asearch_memory,
        name=name,
        description=description,
        args_schema=MemoryQuery,
        response_format="content_and_artifact",
    )
