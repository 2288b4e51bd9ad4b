"""The memory as a LangChain tool an agent can call.

:func:`create_memory_tool` (also ``GraphMemory.as_tool()``) wraps ``memory.asearch`` as a
``StructuredTool`` whose content is the rendered memories (the one rendering,
:func:`~cognee_langchain.services.rendering.format_memories`, re-exported here) and whose artifact
is the documents themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cognee_langchain.core.aio import run_sync
from cognee_langchain.core.defaults import DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.validation import check_positive, check_query, renamed_arguments
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.services.rendering import fit_memories, format_memories

if TYPE_CHECKING:
    # Type-only: the facade imports this adapter (GraphMemory.as_tool), never the reverse.
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.services.search import SearchType
    from cognee_langchain.users import User

__all__ = [
    "DEFAULT_TOOL_DESCRIPTION",
    "NO_MEMORIES",
    "MemoryQuery",
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


class MemoryQuery(BaseModel):
    """Arguments of the memory tool."""

    model_config = ConfigDict(extra="forbid")  # additionalProperties: false, as strict mode needs

    # Only keywords OpenAI's strict structured output accepts (``pattern``, no ``minLength``),
    # so ``bind_tools(..., strict=True)`` works; a blank query still fails the pattern.
    query: str = Field(
        pattern=r"\S",
        description="What to look up: a few keywords or a question.",
    )


class _MemoryTool(StructuredTool):
    """A ``StructuredTool`` whose bad arguments raise :class:`InvalidInputError` (naming the
    fix), like every other entry point, rather than pydantic's ``ValidationError``."""

    def _parse_input(
        self, tool_input: str | dict[str, Any], tool_call_id: str | None
    ) -> str | dict[str, Any]:
        try:
            return super()._parse_input(tool_input, tool_call_id)
        except ValidationError as exc:
            raise _input_error(self.name, tool_input, exc) from None


def _input_error(name: str, tool_input: object, exc: ValidationError) -> InvalidInputError:
    """The :class:`InvalidInputError` for arguments the tool's schema refused."""
    query = tool_input.get("query") if isinstance(tool_input, dict) else tool_input
    if query is not None:
        try:
            check_query(query)  # empty, blank, not a str, invalid Unicode: the usual message
        except InvalidInputError as error:
            return InvalidInputError(f"Tool {name!r}: {error}")
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()
    )
    return InvalidInputError(
        f"Tool {name!r} got invalid arguments ({problems}): call it with "
        "{'query': 'a short question'}."
    )


def create_memory_tool(
    memory: GraphMemory,
    *,
    name: str = "search_memory",
    description: str = DEFAULT_TOOL_DESCRIPTION,
    top_k: int = DEFAULT_TOP_K,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    max_tokens: int | None = None,
    user: User | None = None,
    **deprecated: Any,
) -> BaseTool:
    """A LangChain tool that searches ``memory`` (``response_format="content_and_artifact"``).

    The tool's content is the rendered memories (:func:`format_memories`, or
    :data:`NO_MEMORIES`); its artifact is the list of retrieved ``Document`` objects with their
    metadata (id, type, score, dataset, provenance), for code that inspects the
    ``ToolMessage.artifact``. Arguments the tool cannot take (an empty, blank or non-str query,
    invalid Unicode, a missing ``query``) raise :class:`InvalidInputError`, as
    ``memory.search`` does. Works with ``invoke`` and ``ainvoke``::

        agent = create_agent(model, tools=[memory.as_tool()])

    Args:
        memory: the memory to search.
        name: the tool name the model sees.
        description: what the model is told the tool does.
        top_k: how many memories to retrieve per call.
        datasets: dataset name(s) to search; ``None`` searches every dataset ``user`` may read
            (``dataset=`` is the deprecated spelling).
        search_type: ``"chunks"`` (fused, default), ``"graph"``, ``"facts"``, ``"summaries"``
            or a ``SearchConfig``.
        max_tokens: budget of the rendered content (≈ characters / 4); ``None`` for no limit.
        user: who searches; defaults to the memory's user.
    """
    datasets = renamed_arguments(
        "create_memory_tool", deprecated, {"dataset": "datasets"}, datasets=datasets
    )["datasets"]
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"name must be a non-empty str, got {name!r}.")
    if not isinstance(description, str) or not description.strip():
        raise InvalidInputError("description must be a non-empty str: tell the model what it does.")
    top_k = check_positive(top_k, "top_k")
    if max_tokens is not None:
        max_tokens = check_positive(max_tokens, "max_tokens")

    async def asearch_memory(query: str) -> tuple[str, list[Document]]:
        documents = await memory.asearch(
            query, datasets=datasets, search_type=search_type, top_k=top_k, user=user
        )
        fitted = fit_memories(documents, max_tokens)
        content = "\n".join(line for _, line in fitted) or NO_MEMORIES
        return content, [document for document, _ in fitted]

    def search_memory(query: str) -> tuple[str, list[Document]]:
        return run_sync(asearch_memory(query))

    return _MemoryTool.from_function(
        func=search_memory,
        coroutine=asearch_memory,
        name=name,
        description=description,
        args_schema=MemoryQuery,
        response_format="content_and_artifact",
    )
