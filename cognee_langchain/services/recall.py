"""``recall``: answer a question from the memory, inside a chat session.

One recall is: read the session's recent turns, expand a follow-up question with them (no model
call), retrieve context (:func:`~cognee_langchain.services.search.asearch`), answer — with the
memory's chat model in exactly one call, or extractively without one — and, when a session is
given, append the question and the answer to it in one atomic write. The answer's
``response_metadata["context_ids"]`` lists the ids of the context it was given, in order, which
is how the persist-sessions pipeline links persisted Q&A to the memories behind it.

**Follow-up rule.** With a session, the question is checked against its latest complete turn:

* it *refers back* when it contains a pronoun or demonstrative (``he``, ``she``, ``it``,
  ``they``, ``his``, ``this``, ``those``, ``there``, ...): the names of that turn (entities the
  offline extractor finds in the answer, then in the question; the nearest of the recent turns
  that names any) are appended to the search query;
* otherwise it is *elliptical* when it has at most one content word, or opens with ``and`` /
  ``also`` / ``what about`` / ``how about`` ("And Bob?", "What about 2019?"): the previous
  question is appended, so retrieval keeps its topic.

Only retrieval sees the expanded query; the chat model gets the question as asked together with
the recent turns, and resolves the reference itself.

**Extractive answer** (no chat model): the context's sentences are ranked by how many terms of
the question as asked they contain, then by how many terms the follow-up expansion added, then
by context rank; the best (at most three, each with at least half the best count and not
repeating the terms of a chosen one) are returned in context order. A sentence that is itself a
question (a persisted "User: Who leads Acme?") is never an answer.

**Support.** An extractive answer is only given when the memory supports it: some sentence holds
a term of the question as asked (or, for a question with no content word of its own such as
"And her?", of its expansion), and every name the question mentions (the entities the offline
extractor finds in it: "Acme", "Berlin") has all its terms in one chosen sentence. Otherwise the
answer says so plainly — "I don't have anything in memory about Berlin." — rather than quoting
an unrelated sentence. Such an answer is marked ``response_metadata["supported"] = False`` in
the session, and ``improve`` never persists it as knowledge (the question stays: it states no
fact, and the offline extractor relates nothing in a question).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from cognee_langchain.core.defaults import DEFAULT_LLM_TIMEOUT, DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.logs import preview
from cognee_langchain.core.validation import check_optional_id
from cognee_langchain.errors import CogneeLangchainError, ExtractionError, SessionWriteUnknownError
from cognee_langchain.extraction.offline import extract_chunk
from cognee_langchain.prompts.answer import answer_messages
from cognee_langchain.retrieval.lexical import analyze, word_tokens
from cognee_langchain.services.recording import recording_key
from cognee_langchain.services.rendering import split_entries
from cognee_langchain.services.search import (
    SearchType,
    aretrieve,
    check_search_args,
    check_time_args,
)

if TYPE_CHECKING:
    from datetime import datetime

    from langchain_core.language_models import BaseChatModel

    from cognee_langchain.core.time_validation import TimeRange
    from cognee_langchain.services.runtime import MemoryRuntime
    from cognee_langchain.sessions.base import SessionStore
    from cognee_langchain.users import User

__all__ = [
    "NO_CONTEXT_ANSWER",
    "RECENT_TURNS",
    "ExtractiveAnswer",
    "RecallResult",
    "Turn",
    "amodel_answer",
    "arecall",
    "arecent_turns",
    "expand_follow_up",
    "extractive_answer",
]

Turn = tuple[str, str]
"""A complete question and answer of a session."""

RECENT_TURNS = 3
"""Turns of the session shown to the chat model and searched for follow-up names."""

logger = logging.getLogger(__name__)

NO_CONTEXT_ANSWER = "I don't have anything in memory about that."
"""The answer when the memory supports none, and the question names nothing it lacks."""

# Messages per turn looked at from the end of a session: a turn is usually two messages, more
# with tool calls.
_MESSAGES_PER_TURN = 8
_MAX_FOLLOW_UP_NAMES = 6
_MAX_ANSWER_SENTENCES = 3

_REFERRING_WORDS = frozenset(
    {
        *("he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their"),
        *("theirs", "himself", "herself", "itself", "themselves"),
        *("this", "these", "those", "there"),
    }
)
_CONTINUATION_CUES = (("and",), ("also",), ("what", "about"), ("how", "about"))
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True, slots=True)
class RecallResult:
    """What :meth:`GraphMemory.recall` returns.

    ``answer``: the answer text. ``context``: the documents it was based on, best first (their
    ids are the answer's ``context_ids``). ``session_id``: the session the Q&A was appended to
    (``None`` when none was given). ``search_query``: what retrieval searched for — the question,
    expanded when it was a follow-up. ``supported``: ``False`` when the offline answer says the
    memory has nothing on the question (``"I don't have anything in memory about Berlin."``);
    that Q&A is kept in the session but ``improve`` never persists it as knowledge. A chat
    model's answer is ``True``: the model is told to answer from the context only.
    """

    answer: str
    context: list[Document]
    session_id: str | None
    search_query: str
    supported: bool = True


class ExtractiveAnswer(NamedTuple):
    """An answer taken from the context, and whether the context supports it (see the module
    docstring)."""

    text: str
    supported: bool


async def arecent_turns(
    store: SessionStore, user_id: str, session_id: str, limit: int = RECENT_TURNS
) -> list[Turn]:
    """The last ``limit`` complete turns of a session, oldest first.

    Reads the whole session once; a turn still waiting for its answer is not one.
    """
    session = await store.aread(user_id, session_id)
    if limit <= 0:
        return []
    items = session.items[-_MESSAGES_PER_TURN * limit :]
    entries = split_entries(session_id, items)[-limit:]
    return [(entry.question, entry.answer) for entry in entries]


def _names(turn: Turn) -> list[str]:
    """Entity names of a turn, the answer's first; a name whose words all belong to an earlier
    name ("Acme" after "Acme Corp") adds nothing."""
    asked, answered = turn
    names: list[str] = []
    seen: list[set[str]] = []
    for text in (answered, asked):
        for entity in extract_chunk(text).entities:
            words = set(word_tokens(entity.name))
            if not any(words <= earlier for earlier in seen):
                names.append(entity.name)
                seen.append(words)
    return names


def expand_follow_up(query: str, turns: Sequence[Turn]) -> str:
    """``query`` with what a follow-up leaves implicit taken from ``turns`` (see the module
    docstring for the rule); ``query`` unchanged when it is not a follow-up."""
    if not turns:
        return query
    tokens = word_tokens(query)
    if _REFERRING_WORDS.intersection(tokens):
        names = next((names for turn in reversed(turns) if (names := _names(turn))), [])
        additions = names[:_MAX_FOLLOW_UP_NAMES]
    elif len(analyze(query)) <= 1 or any(
        tuple(tokens[: len(cue)]) == cue for cue in _CONTINUATION_CUES
    ):
        additions = [turns[-1][0]]
    else:
        return query
    return " ".join([query.strip(), *additions])


def _sentences(text: str) -> list[str]:
    return [
        sentence
        for line in text.splitlines()
        for sentence in _SENTENCE_BREAK.split(line.strip())
        if sentence
    ]


def _unknown(names: Sequence[str]) -> ExtractiveAnswer:
    """The plain "nothing in memory" answer, naming what the question asked about."""
    if not names:
        return ExtractiveAnswer(NO_CONTEXT_ANSWER, False)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return ExtractiveAnswer(f"I don't have anything in memory about {listed}.", False)


def _question_names(query: str) -> list[tuple[str, frozenset[str]]]:
    """The names ``query`` mentions, each with its terms (a name of stop words only has none and
    is left out: it cannot be looked for)."""
    names = ((e.name, frozenset(analyze(e.name))) for e in extract_chunk(query).entities)
    return [(name, terms) for name, terms in names if terms]


def extractive_answer(
    query: str, search_query: str, context: Sequence[Document]
) -> ExtractiveAnswer:
    """The best sentences of ``context`` for ``query``, or a plain "nothing in memory" answer
    when the context does not support one (see the module docstring)."""
    names = _question_names(query)
    if not context:
        return _unknown([name for name, _ in names])
    asked = set(analyze(query))
    added = set(analyze(search_query)) - asked
    # (terms of the question, terms of the expansion, rank, position, sentence, terms)
    scored: list[tuple[int, int, int, int, str, frozenset[str]]] = []
    for rank, document in enumerate(context):
        for position, sentence in enumerate(_sentences(document.page_content)):
            if sentence.endswith("?"):
                continue  # an earlier question repeats the words asked and answers nothing
            terms = frozenset(analyze(sentence)) & (asked | added)
            scored.append((len(terms & asked), len(terms & added), rank, position, sentence, terms))
    scored.sort(key=lambda entry: (-entry[0], -entry[1], entry[2], entry[3]))
    # The question's own terms must be met; only one without any (a bare "And her?") may be
    # answered from its expansion's. A sentence sharing no term with it answers nothing.
    if not scored or scored[0][0 if asked else 1] == 0:
        return _unknown([name for name, _ in names])
    best_asked, best_added = scored[0][:2]
    chosen: list[tuple[int, int, str]] = []
    covered: list[frozenset[str]] = []
    for from_asked, from_added, rank, position, sentence, terms in scored:
        # Half the best score, counted in the question's own terms when any sentence has one.
        score, best = (from_asked, best_asked) if best_asked else (from_added, best_added)
        if len(chosen) == _MAX_ANSWER_SENTENCES or 2 * score < best:
            break
        if any(terms <= seen for seen in covered):
            continue  # says nothing about the question a chosen sentence did not
        chosen.append((rank, position, sentence))
        covered.append(terms)
    # A name is met whole by one sentence: "Alice Smith" is not met by "Alice Johnson ..." and
    # "Bob Smith ..." together.
    missing = [name for name, terms in names if not any(terms <= seen for seen in covered)]
    if missing:  # "Is Acme in Berlin?" answered by "Alice leads Acme." would invent
        return _unknown(missing)
    return ExtractiveAnswer(" ".join(sentence for _, _, sentence in sorted(chosen)), True)


async def amodel_answer(
    llm: BaseChatModel,
    query: str,
    context: Sequence[Document],
    turns: Sequence[Turn] = (),
    *,
    timeout: float = DEFAULT_LLM_TIMEOUT,
) -> str:
    """The chat model's answer, in one call that may take at most ``timeout`` seconds.

    Raises :class:`ExtractionError` (wrapping the cause) when the call fails, runs out of time
    or the answer is empty.
    """
    try:
        async with asyncio.timeout(timeout):
            reply = await llm.ainvoke(answer_messages(query, context, turns))
    except CogneeLangchainError:
        raise
    except TimeoutError as exc:
        raise ExtractionError(
            f"{type(llm).__name__} did not answer within {timeout:g} s: the chat model is slow "
            "or unreachable (raise GraphMemory(llm_timeout=...) if answers are legitimately "
            "slow)",
            exc,
        ) from exc
    except Exception as exc:
        raise ExtractionError(f"Answering with {type(llm).__name__} failed", exc) from exc
    answer = reply.text.strip()
    if not answer:
        raise ExtractionError(f"{type(llm).__name__} returned an empty answer")
    return answer


async def arecall(
    runtime: MemoryRuntime,
    query: str,
    *,
    session_id: str | None = None,
    datasets: str | Sequence[str] | None = None,
    search_type: SearchType = DEFAULT_SEARCH_TYPE,
    top_k: int = DEFAULT_TOP_K,
    node_sets: str | Sequence[str] | None = None,
    user: User | None = None,
    as_of: datetime | None = None,
    time_range: TimeRange | None = None,
) -> RecallResult:
    """Answer ``query`` from the memory (the body of ``GraphMemory.arecall``); ``as_of`` and
    ``time_range`` steer retrieval (:mod:`cognee_langchain.services.search`).

    The question is held to ``runtime.limits`` (``max_query_chars``, ``max_id_chars`` for the
    session id); its follow-up expansion is searched as it is, however long. Nothing is
    appended to the session when anything fails before the append. The Q&A is appended in one
    write with an idempotency key (:func:`~cognee_langchain.services.recording.recording_key`
    of the two message ids): when the store cannot tell whether the write was applied
    (:class:`SessionWriteUnknownError`), it is retried once with the same key, which applies
    it at most once; a second unknown outcome is raised.
    """
    query, config, top_k, node_filter = check_search_args(
        query, search_type, top_k, node_sets, runtime.limits
    )
    check_optional_id(session_id, "session_id", max_chars=runtime.limits.max_id_chars)
    as_of, time_range = check_time_args(as_of, time_range)
    who = runtime.user_of(user)
    started = time.perf_counter()
    turns: list[Turn] = []
    if session_id is not None:
        turns = await arecent_turns(runtime.session_store, who.id, session_id)
    search_query = expand_follow_up(query, turns)
    logger.debug(
        "Recall %r, searched as %r (%d recent turn(s))",
        *(preview(query), preview(search_query), len(turns)),
    )
    # aretrieve, not asearch: the question was checked above; its expansion with earlier turns
    # may exceed max_query_chars and must still be searched.
    context = await aretrieve(
        runtime,
        *(search_query, config, top_k, node_filter),
        datasets=datasets,
        user=who,
        as_of=as_of,
        time_range=time_range,
    )
    if runtime.llm is not None:
        answer = await amodel_answer(
            runtime.llm, query, context, turns, timeout=runtime.llm_timeout
        )
        supported = True
    else:
        answer, supported = extractive_answer(query, search_query, context)
    if session_id is not None:
        metadata: dict[str, object] = {"context_ids": [str(document.id) for document in context]}
        if not supported:
            metadata["supported"] = False  # read by improve: never persisted as knowledge
        turn: list[BaseMessage] = [
            HumanMessage(query, id=str(uuid.uuid4())),
            AIMessage(answer, id=str(uuid.uuid4()), response_metadata=metadata),
        ]
        await _aappend_once(runtime.session_store, who.id, session_id, turn)
    logger.info(
        "Recall over datasets %s: %d context item(s), %s answer (%s), session %r, in %.2fs.",
        "every readable" if datasets is None else repr(datasets),
        *(len(context), "model" if runtime.llm is not None else "extractive"),
        *("supported" if supported else "unsupported", session_id, time.perf_counter() - started),
    )
    return RecallResult(answer, context, session_id, search_query, supported)


async def _aappend_once(
    store: SessionStore, user_id: str, session_id: str, turn: Sequence[BaseMessage]
) -> None:
    """Append ``turn`` under the idempotency key of its message ids; an append whose outcome
    is unknown is retried once with that key (so it lands at most once)."""
    key = recording_key(str(message.id) for message in turn)
    try:
        await store.aappend(user_id, session_id, turn, idempotency_key=key)
    except SessionWriteUnknownError:
        await store.aappend(user_id, session_id, turn, idempotency_key=key)
