"""Graph extraction with any LangChain chat model: one structured-output call per chunk.

Retries, budget and concurrency are governed here, not by the model's SDK:

* **One call per chunk.** Entities, relations and the summary come back together through
  ``llm.with_structured_output(ChunkExtraction)``; a blank chunk costs no call.
* **Bounded concurrency.** At most ``max_concurrency`` chunks are being extracted at once, across
  all concurrent :meth:`~LLMGraphExtractor.aextract` calls of one extractor (per event loop).
* **Retries** (at most ``max_retries`` after the first attempt) with exponential backoff and
  jitter, only for transient failures: rate limits, 5xx, timeouts, connection errors, and output
  that cannot be parsed or validated. Other errors (authentication, bad request, refusal) fail at
  once. A ``Retry-After`` header is honoured when it fits the budget.
* **Budget.** Each chunk gets ``timeout`` seconds in total, from its first attempt to its last
  (attempts are cancelled at the deadline, backoff sleeps count); then
  :class:`~cognee_langchain.errors.ExtractionError` wraps the last failure.
* **All or nothing.** The first chunk that fails cancels the others and raises.
* **Checked answers.** An answer that does not parse, breaks the schema, was cut off at the token
  limit or is incomplete JSON (which lenient parsers such as JSON mode would half-accept) counts
  as a transient failure; a usable answer is cleaned up by :func:`repair_extraction`.

The model's own retries multiply calls and hide them from :attr:`LLMGraphExtractor.llm_calls`:
build it with ``max_retries=0`` (``ChatOpenAI(max_retries=0)``; its default of ``None`` means the
OpenAI SDK retries twice). The time budget holds either way, since attempts are cancelled at the
deadline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.utils.json import parse_json_markdown

from cognee_langchain.core.defaults import DEFAULT_ENTITY_TYPE
from cognee_langchain.core.logs import preview
from cognee_langchain.core.validation import check_int, check_number, check_positive
from cognee_langchain.errors import ExtractionError, InvalidInputError
from cognee_langchain.extraction.base import GraphExtractor, check_texts
from cognee_langchain.extraction.offline import lead_sentence
from cognee_langchain.extraction.schema import (
    ChunkExtraction,
    ExtractedEntity,
    ExtractedRelation,
)
from cognee_langchain.prompts.extraction import extraction_messages

__all__ = ["EXTRACT_RUN_NAME", "LLMGraphExtractor", "repair_extraction"]

logger = logging.getLogger(__name__)

#: Name of the run of one chunk's extraction call in LangChain callbacks (LangSmith).
EXTRACT_RUN_NAME = "extract_chunk"

_MAX_NAME = 200
_MAX_TYPE = 60
_MAX_DESCRIPTION = 500
_MAX_PHRASE = 80  # a kind or a date phrase: "last Saturday", "2023-05-08"
_MAX_BACKOFF = 8.0
# Fallback for integrations that do not raise langchain-core's ModelError family yet.
_TRANSIENT_NAME_PARTS = ("Timeout", "RateLimit", "Connection", "ServiceUnavailable", "Overloaded")
_TRANSIENT_STATUS = frozenset({408, 409, 425, 429})


class _UnusableOutput(ValueError):
    """The model answered, but with nothing we can use (retried like a parse failure)."""


class LLMGraphExtractor(GraphExtractor):
    """Extract entities, relations and a summary from each chunk with a chat model.

    Args:
        llm: Any LangChain chat model supporting ``with_structured_output``. Build it with its
            own retries off (e.g. ``ChatOpenAI(max_retries=0)``): this extractor retries.
        max_concurrency: Chunks extracted at the same time (calls in flight).
        max_retries: Retries after the first attempt of a chunk, for transient failures only.
        timeout: Total seconds one chunk may take across all its attempts and backoff sleeps.
        backoff_base: First backoff delay in seconds; it doubles per retry (capped at 8 s) and
            is jittered to 50-100 %.
        method: Passed to ``with_structured_output(method=...)`` when given, e.g.
            ``"function_calling"`` for OpenAI-compatible servers without JSON-schema output.

    Attributes:
        llm_calls: Model calls made so far (exactly one per non-blank chunk without failures).
    """

    def __init__(
        self,
        llm: BaseChatModel,
        *,
        max_concurrency: int = 8,
        max_retries: int = 3,
        timeout: float = 30.0,
        backoff_base: float = 0.5,
        method: str | None = None,
    ) -> None:
        if not callable(getattr(llm, "with_structured_output", None)):
            raise InvalidInputError(
                f"llm must be a LangChain chat model (BaseChatModel), got {type(llm).__name__}: "
                "pass e.g. ChatOpenAI(model=..., max_retries=0)."
            )
        check_positive(max_concurrency, "max_concurrency")
        check_int(max_retries, "max_retries")
        check_number(timeout, "timeout", exclusive=True)
        check_number(backoff_base, "backoff_base")
        kwargs: dict[str, Any] = {} if method is None else {"method": method}
        try:
            # The raw message comes along so that an answer some parser accepted leniently
            # (truncated JSON, a cut-off answer) is caught: see _structured_answer. The schema
            # goes as a dict, validated by repair_extraction: given the pydantic class, the
            # OpenAI client rebuilds its JSON schema on every call (~3 ms of CPU each, which
            # at 8 calls in flight stretches every round of calls).
            self._structured = llm.with_structured_output(
                ChunkExtraction.model_json_schema(), include_raw=True, **kwargs
            ).with_config(run_name=EXTRACT_RUN_NAME)  # the run of one chunk in a trace
        except (NotImplementedError, ValueError, TypeError) as exc:
            raise InvalidInputError(
                f"{type(llm).__name__} cannot produce structured output ({exc}): use a chat model "
                "that supports with_structured_output (tool calling or JSON schema), or another "
                "method=."
            ) from exc
        self.llm = llm
        self.max_concurrency = max_concurrency
        self.max_retries = max_retries
        self.timeout = float(timeout)
        self.backoff_base = float(backoff_base)
        self._calls = 0
        self._lock = threading.Lock()
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def __repr__(self) -> str:
        return (
            f"LLMGraphExtractor({type(self.llm).__name__}, max_concurrency="
            f"{self.max_concurrency}, max_retries={self.max_retries}, timeout={self.timeout})"
        )

    @property
    def llm_calls(self) -> int:
        """Model calls made so far, retries included (the model SDK's own retries excluded)."""
        with self._lock:
            return self._calls

    async def aextract(self, texts: Sequence[str]) -> list[ChunkExtraction]:
        """Extract every chunk concurrently; see the module docstring for retries and budget."""
        texts = check_texts(texts)
        results: list[ChunkExtraction] = [ChunkExtraction()] * len(texts)
        semaphore = self._semaphore()
        queue = iter(range(len(texts)))  # shared by the workers (one event loop: no race)

        async def work() -> None:
            for index in queue:
                results[index] = await self._extract_chunk(index, texts[index], semaphore)

        # A few workers rather than a task per chunk: memory stays flat for huge inputs.
        workers = [
            asyncio.ensure_future(work()) for _ in range(min(self.max_concurrency, len(texts)))
        ]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            # All or nothing: stop the other chunks instead of paying for results we discard.
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        return results

    async def _extract_chunk(
        self, index: int, text: str, semaphore: asyncio.Semaphore
    ) -> ChunkExtraction:
        if not text.strip():
            return ChunkExtraction()
        messages = extraction_messages(text)
        loop = asyncio.get_running_loop()
        # The slot is held through backoff sleeps: a rate-limited provider sees fewer callers.
        async with semaphore:
            started = loop.time()
            deadline = started + self.timeout
            attempts = 0
            while True:
                attempts += 1
                self._count_call()
                budget = asyncio.timeout_at(deadline)
                try:
                    async with budget:
                        answer = await self._structured.ainvoke(messages)
                    return repair_extraction(_structured_answer(answer), text)
                except Exception as exc:  # classified below; anything unknown fails at once
                    failure = exc
                if budget.expired():
                    failure = TimeoutError(
                        f"no answer before the chunk's {self.timeout:g}s budget ran out"
                    )
                elapsed = loop.time() - started
                if not _is_transient(failure):
                    raise ExtractionError(
                        f"Extraction of chunk {index} failed with a non-retryable error after "
                        f"{attempts} attempt(s) in {elapsed:.1f}s",
                        failure,
                    ) from failure
                delay = self._backoff(attempts, failure)
                if attempts > self.max_retries or loop.time() + delay >= deadline:
                    raise ExtractionError(
                        f"Extraction of chunk {index} failed after {attempts} attempt(s) in "
                        f"{elapsed:.1f}s (max_retries={self.max_retries}, "
                        f"timeout={self.timeout:g}s)",
                        failure,
                    ) from failure
                # INFO names the error type only: its message may quote the chunk or the answer.
                logger.info(
                    "Extraction of chunk %d: attempt %d failed (%s); retrying in %.2fs",
                    *(index, attempts, type(failure).__name__, delay),
                )
                logger.debug("Extraction of chunk %d failed with: %s", index, preview(failure))
                await asyncio.sleep(delay)

    def _backoff(self, attempts: int, failure: BaseException) -> float:
        """Exponential backoff with jitter, or the server's Retry-After if longer."""
        delay = min(self.backoff_base * 2 ** (attempts - 1), _MAX_BACKOFF)
        delay *= random.uniform(0.5, 1.0)
        return max(delay, _retry_after(failure))

    def _count_call(self) -> None:
        with self._lock:
            self._calls += 1

    def _semaphore(self) -> asyncio.Semaphore:
        """The concurrency bound of the running loop (asyncio primitives are per loop)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            semaphore = self._semaphores.get(loop)
            if semaphore is None:
                for closed in [known for known in self._semaphores if known.is_closed()]:
                    del self._semaphores[closed]
                semaphore = self._semaphores[loop] = asyncio.Semaphore(self.max_concurrency)
            return semaphore


def repair_extraction(answer: object, text: str) -> ChunkExtraction:
    """Validate and clean a model's answer for ``text``, or raise if it is unusable.

    Blank and over-long names are dropped, fields trimmed, duplicate entities (same name up to
    case) merged and duplicate relations removed. A relation whose endpoint is not an extracted
    entity keeps it as a new entity when the name occurs in the text, and is dropped otherwise
    (an invented endpoint); self-loops are dropped. A blank target is kept only for the end of
    a fact (``retracted``, "we broke up"). Kinds, date phrases and ``retracted`` are kept as
    given, trimmed (blank: ``None``); they are resolved when the write is built. An empty summary
    becomes the chunk's lead sentence.

    Raises:
        ValueError: ``answer`` is missing or does not fit the ``ChunkExtraction`` schema.
    """
    if answer is None:
        raise _UnusableOutput("the model returned no structured output (no tool call or JSON)")
    extraction = (
        answer if isinstance(answer, ChunkExtraction) else ChunkExtraction.model_validate(answer)
    )
    entities: dict[str, ExtractedEntity] = {}
    for entity in extraction.entities:
        name = _squash(entity.name)
        if not name or len(name) > _MAX_NAME:
            continue
        kind = _squash(entity.type)[:_MAX_TYPE] or DEFAULT_ENTITY_TYPE
        description = _squash(entity.description)[:_MAX_DESCRIPTION]
        known = entities.get(name.casefold())
        if known is None:
            entities[name.casefold()] = ExtractedEntity(
                name=name, type=kind, description=description
            )
        else:
            if known.type == DEFAULT_ENTITY_TYPE:
                known.type = kind
            if not known.description:
                known.description = description

    lowered_text = text.casefold()
    relations: dict[tuple[str, str, str], ExtractedRelation] = {}
    for relation in extraction.relations:
        predicate = _squash(relation.predicate).lower()
        open_end = relation.retracted and not _squash(relation.target)
        endpoints: list[ExtractedEntity | None] = []
        for raw in (relation.source, relation.target):
            name = _squash(raw)
            folded = name.casefold()
            if (
                name
                and len(name) <= _MAX_NAME
                and folded not in entities
                and folded in lowered_text
            ):
                entities[folded] = ExtractedEntity(name=name, type=DEFAULT_ENTITY_TYPE)
            endpoints.append(entities.get(folded))
        source, target = endpoints
        if not predicate or source is None or (target is None and not open_end):
            continue
        if source is target:
            continue
        target_name = "" if target is None else target.name
        key = (source.name.casefold(), predicate, target_name.casefold())
        if key not in relations:
            relations[key] = ExtractedRelation(
                source=source.name,
                predicate=predicate,
                target=target_name,
                description=_squash(relation.description)[:_MAX_DESCRIPTION],
                kind=_phrase(relation.kind),
                valid_at=_phrase(relation.valid_at),
                invalid_at=_phrase(relation.invalid_at),
                retracted=relation.retracted,
            )
    return ChunkExtraction(
        entities=list(entities.values()),
        relations=list(relations.values()),
        summary=_squash(extraction.summary) or lead_sentence(text),
    )


def _structured_answer(answer: Any) -> object:
    """The parsed output of a ``with_structured_output(..., include_raw=True)`` call, after
    checking the raw message: a parsing error is raised as is, and an answer cut off at the token
    limit or whose JSON content is incomplete is rejected even if a lenient parser (JSON mode,
    some providers) salvaged part of it."""
    if not isinstance(answer, dict):
        raise _UnusableOutput(f"unexpected structured-output result {type(answer).__name__}")
    error = answer.get("parsing_error")
    if isinstance(error, BaseException):
        raise error
    raw = answer.get("raw")
    if isinstance(raw, AIMessage):
        if raw.response_metadata.get("finish_reason") == "length":
            raise _UnusableOutput("the answer was cut off at the model's output token limit")
        if not raw.tool_calls and isinstance(raw.content, str) and raw.content.strip():
            try:
                parse_json_markdown(raw.content, parser=json.loads)
            except ValueError as exc:
                raise _UnusableOutput("the answer is not complete JSON") from exc
    return answer.get("parsed")


def _is_transient(exc: BaseException) -> bool:
    """Whether retrying the same call may succeed."""
    # langchain-core's ModelError family (rate limit, 5xx, timeout, connection: retryable;
    # authentication, bad request, refusal: not) says so itself.
    retryable = getattr(type(exc), "is_retryable", None)
    if isinstance(retryable, bool):
        return retryable
    if isinstance(exc, ValueError | TimeoutError | ConnectionError):
        return True  # unparseable or invalid output (pydantic, JSON, parser errors), timeouts
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status >= 500 or status in _TRANSIENT_STATUS
    names = [cls.__name__ for cls in type(exc).__mro__]
    return any(part in name for name in names for part in _TRANSIENT_NAME_PARTS)


def _retry_after(exc: BaseException) -> float:
    """Seconds a ``Retry-After`` response header asks to wait (0 when absent)."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    try:
        value = headers.get("retry-after") if headers is not None else None
        return max(0.0, float(value)) if value is not None else 0.0
    except (TypeError, ValueError, AttributeError):
        return 0.0  # an HTTP date or junk: fall back to our own backoff


def _squash(value: str) -> str:
    return " ".join(value.split())


def _phrase(value: str | None) -> str | None:
    """A short optional field as given, single-spaced; ``None`` when blank."""
    if value is None:
        return None
    return _squash(value)[:_MAX_PHRASE] or None
