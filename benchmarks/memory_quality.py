"""Memory quality on LoCoMo: evidence recall within a reading budget (issue 16).

Each conversation of a LoCoMo-format file goes into its own dataset (named by its ``sample_id``),
two ways, each in its own ``GraphMemory`` (offline defaults):

* path (a): ``memory.remember(texts, dataset=conv)``, one document per session — a first line
  ``Session N (date_time)``, then ``[D1:3] Speaker: text`` lines (a shared photo appends
  `` (shares a photo: <caption>)``), as the data README shows;
* path (b), the mission's: each turn appended to the session cache through
  ``SessionChatMessageHistory(f"{conv}-s{n}")`` — ``HumanMessage`` for speaker_a, ``AIMessage``
  for speaker_b, ``name=<speaker>``, text prefixed with its ``[Dx:y]`` id, the session's time in
  ``additional_kwargs["created_at"]`` (ISO 8601, UTC) — then
  ``memory.improve(dataset=conv, session_ids=<all its sessions>)``.

Every scored question (categories 1-4 with evidence) is asked of its conversation's dataset only,
through ``memory.as_retriever(datasets=[conv], top_k=K, search_type=...)``. The metric (data
README): join the returned ``page_content`` in rank order until B whitespace words (the last text
cut to fit) and score the fraction of the evidence ids whose ``[Dx:y]`` marker is in that context;
session R@5: a hit when an evidence session is among the first 5 distinct sessions the ranked
results mention (order of first marker). Latency is the retriever call at ``top_k=K``, after a
first query has loaded the index (``benchmarks/index_freshness.py`` measures the catch-up after a
write). Every conversation is ingested before any is asked.

Rows: the ``SYSTEMS`` presets on path (a), ``PATH_B_SYSTEMS`` on path (b), the default on path
(a) ingested without the gazetteer's place words (path ``a-gazetteer``: an ablation of a mechanism
that acts at indexing), and two baselines of
the same run that share nothing with the package's ranking: Okapi BM25 (k1 1.2, b 0.75, Lucene
stopwords, Snowball stemming via PyStemmer) over single turn
lines, and that BM25 fused with the cosine of the
package's default embeddings (WordLlama) by reciprocal rank fusion (k 60). Add an ablation row by
adding a ``SearchConfig`` to ``SYSTEMS`` (see its comment). Nothing of the data enters the repo.

Run from the repository root::

    .venv/bin/python benchmarks/memory_quality.py                          # dev split, all rows
    .venv/bin/python benchmarks/memory_quality.py --conversations 1 --paths a --systems default,bm25
    .venv/bin/python benchmarks/memory_quality.py --keep /tmp/mq   # ingest once, then reuse it
    .venv/bin/python benchmarks/memory_quality.py --markdown PATH  # also write the README table
    .venv/bin/python benchmarks/memory_quality.py --paths a --systems default --misses 500
        # ... and list each question the default misses evidence of within 500 words, with
        # the result rank of each evidence turn (to read misses category by category)

``--keep DIR`` keeps each path's memory in ``DIR/a`` and ``DIR/b`` with a record of what was
ingested (``memory_quality.json``); a conversation recorded there is not ingested again, so
ranking changes are measured in seconds. Delete ``DIR`` after changing how the package ingests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import Stemmer
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from cognee_langchain import GraphMemory
from cognee_langchain.chat_message_histories import SessionChatMessageHistory
from cognee_langchain.errors import NoGraphDataError
from cognee_langchain.retrieval.config import (
    SEARCH_PRESETS,
    ExpansionConfig,
    Fusion,
    PriorConfig,
    SearchConfig,
)
from cognee_langchain.services import units

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "locomo" / "locomo10-dev.json"

# -- what is measured ------------------------------------------------------------------------------
#: System rows on path (a): row name -> search type (a preset name or a ``SearchConfig``; ``None``
#: = the retriever's default, i.e. what ``memory.as_retriever(datasets=[conv])`` does). An
#: ablation row is one more entry, e.g. (``from dataclasses import replace``)
#: ``SYSTEMS["no expansion"] = replace(SEARCH_PRESETS["graph"], expansion=None)``.
_CHUNKS = SEARCH_PRESETS["chunks"]
_PRIORS = _CHUNKS.priors or PriorConfig()
SYSTEMS: dict[str, str | SearchConfig | None] = {
    "default": None,
    "graph": "graph",
    "chunks": "chunks",
    # Ablations: the default's mechanisms one at a time (each row drops or swaps one).
    "+ graph lane": replace(_CHUNKS, expansion=ExpansionConfig(weight=0.05)),
    "- context lane": replace(_CHUNKS, rankers=_CHUNKS.rankers[::2]),
    "- dense lane": replace(_CHUNKS, rankers=_CHUNKS.rankers[:2]),
    "- speaker prior": replace(_CHUNKS, priors=replace(_PRIORS, speaker=0.0)),
    "- session prior": replace(_CHUNKS, priors=replace(_PRIORS, group=0.0)),
    "session prior of best turn": replace(_CHUNKS, priors=replace(_PRIORS, group_depth=1)),
    "- time priors": replace(_CHUNKS, priors=replace(_PRIORS, time=0.0, date=0.0)),
    "- question prior": replace(_CHUNKS, priors=replace(_PRIORS, question=0.0)),
    "- term expansion": replace(_CHUNKS, expand_terms=None),
    "+ query stopwords": replace(_CHUNKS, query_stopwords=True),
    "rank fusion (rrf)": replace(_CHUNKS, fusion=Fusion.RRF, priors=None, expand_terms=None),
}
#: System rows on path (b) (names from ``SYSTEMS``).
PATH_B_SYSTEMS: tuple[str, ...] = ("default",)
#: Path (a) without the gazetteer's place words in the index (an ablation row).
NO_PLACES = "a-gazetteer"
#: Baseline rows over single turns, independent of the package's ranking.
BASELINES: tuple[str, ...] = ("bm25", "hybrid")

CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}
DEFAULT_BUDGETS = (200, 500, 1000)
SESSION_K = 5
TOP_K = 60
"""Results asked per query; doubled (up to ``MAX_TOP_K``) while a full answer holds fewer words
than the largest budget."""
MAX_TOP_K = 960
BASELINE_DEPTH = 300
"""Turns a baseline returns (far more words than any budget)."""
RRF_K = 60
MARKER = re.compile(r"\[(D\d+):\d+\]")
_EVIDENCE_ID = re.compile(r"D:?(\d+):(\d+)")
_DATE_FORMAT = "%I:%M %p on %d %B, %Y"  # "1:56 pm on 8 May, 2023"
_RECORD_FILE = "memory_quality.json"


# -- the data --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Turn:
    dia_id: str
    speaker: str
    text: str
    """The turn's text with a shared photo's caption appended."""

    @property
    def line(self) -> str:
        return f"[{self.dia_id}] {self.speaker}: {self.text}"


@dataclass(frozen=True, slots=True)
class Session:
    number: int
    date_time: str
    turns: tuple[Turn, ...]

    @property
    def created_at(self) -> datetime:
        return parse_session_time(self.date_time)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    category: int
    evidence: tuple[str, ...]
    sample_id: str = ""


@dataclass(frozen=True, slots=True)
class Conversation:
    sample_id: str
    speaker_a: str
    speaker_b: str
    sessions: tuple[Session, ...]
    questions: tuple[Question, ...]

    @property
    def turns(self) -> list[Turn]:
        return [turn for session in self.sessions for turn in session.turns]

    def session_ids(self) -> list[str]:
        return [f"{self.sample_id}-s{s.number}" for s in self.sessions]


def parse_session_time(text: str) -> datetime:
    """``"1:56 pm on 8 May, 2023"`` as an aware UTC datetime."""
    return datetime.strptime(" ".join(text.split()), _DATE_FORMAT).replace(tzinfo=UTC)


def turn_text(turn: Mapping[str, Any]) -> str:
    """A turn's text, with `` (shares a photo: <caption>)`` appended for a shared photo."""
    text = str(turn.get("text", ""))
    caption = turn.get("blip_caption")
    return f"{text} (shares a photo: {caption})" if caption else text


def evidence_ids(evidence: Iterable[str]) -> tuple[str, ...]:
    """The ``Dx:y`` ids of a question's evidence list, in order, each once. Malformed entries are
    repaired where unambiguous (``"D8:6; D9:17"`` is two ids, ``"D:11:26"`` is ``D11:26``) and
    kept verbatim otherwise (their marker is then never found)."""
    ids: list[str] = []
    for entry in evidence:
        found = [f"D{a}:{b}" for a, b in _EVIDENCE_ID.findall(entry)]
        ids.extend(found or [entry.strip()])
    return tuple(dict.fromkeys(i for i in ids if i))


def session_document(session: Session) -> str:
    """One session as the data README's document: a date line, then one line per turn."""
    lines = [f"Session {session.number} ({session.date_time})"]
    lines.extend(turn.line for turn in session.turns)
    return "\n".join(lines)


def load_conversations(path: Path, limit: int | None = None) -> list[Conversation]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    conversations = []
    for sample in raw[:limit] if limit else raw:
        conv = sample["conversation"]
        numbers = sorted(
            int(key.split("_")[1])
            for key, value in conv.items()
            if re.fullmatch(r"session_\d+", key) and isinstance(value, list) and value
        )
        sessions = tuple(
            Session(
                n,
                conv[f"session_{n}_date_time"],
                tuple(Turn(t["dia_id"], t["speaker"], turn_text(t)) for t in conv[f"session_{n}"]),
            )
            for n in numbers
        )
        questions = tuple(
            Question(q["question"], q["category"], evidence_ids(q["evidence"]), sample["sample_id"])
            for q in sample["qa"]
            if q.get("category") in CATEGORIES and q.get("evidence")
        )
        conversations.append(
            Conversation(
                sample["sample_id"], conv["speaker_a"], conv["speaker_b"], sessions, questions
            )
        )
    return conversations


# -- the metric ------------------------------------------------------------------------------------
def context_within(texts: Iterable[str], budget: int) -> str:
    """The texts joined in rank order until ``budget`` whitespace words; the last one cut to fit."""
    words: list[str] = []
    for text in texts:
        words.extend(text.split()[: budget - len(words)])
        if len(words) >= budget:
            break
    return " ".join(words)


def evidence_recall(texts: Sequence[str], evidence: Sequence[str], budget: int) -> float:
    """The fraction of ``evidence`` ids whose ``[Dx:y]`` marker is within ``budget`` words."""
    if not evidence:
        raise ValueError("a scored question has evidence")
    context = context_within(texts, budget)
    return sum(f"[{e}]" in context for e in evidence) / len(evidence)


def evidence_ranks(texts: Sequence[str], evidence: Sequence[str]) -> list[int | None]:
    """Per evidence id, the rank (0-based) of the first result showing its marker, or None."""
    first: dict[str, int] = {}
    for rank, text in enumerate(texts):
        for turn in re.findall(r"\[(D\d+:\d+)\]", text):
            first.setdefault(turn, rank)
    return [first.get(e) for e in evidence]


def sessions_mentioned(texts: Iterable[str]) -> list[str]:
    """Distinct sessions (``D3`` of ``[D3:7]``) in order of their first marker in the results."""
    return list(dict.fromkeys(m for text in texts for m in MARKER.findall(text)))


def session_recall(texts: Sequence[str], evidence: Sequence[str], k: int = SESSION_K) -> float:
    """1.0 when any evidence session is among the first ``k`` sessions the results mention."""
    wanted = {e.split(":")[0] for e in evidence}
    return float(bool(wanted.intersection(sessions_mentioned(texts)[:k])))


def _words(texts: Iterable[str]) -> int:
    return sum(len(text.split()) for text in texts)


# -- baselines over single turns -------------------------------------------------------------------
_TOKEN = re.compile(r"\w+")
# Lucene's English stopword list.
_STOPWORD_LIST = """a an and are as at be but by for if in into is it no not of on or such that
    the their then there these they this to was will with"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())


# PyStemmer is a dependency of the package (its own BM25 stems with it too).
_stem_words = Stemmer.Stemmer("english").stemWords


def terms(text: str) -> list[str]:
    """A baseline's index terms: case-folded word tokens minus stopwords, stemmed."""
    return _stem_words([t for t in _TOKEN.findall(text.casefold()) if t not in _STOPWORDS])


class OkapiBM25:
    """A tiny Okapi BM25 (``idf = ln(1 + (N - df + .5) / (df + .5))``) over a fixed corpus."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        docs = [Counter(terms(text)) for text in texts]
        self.lengths = [sum(doc.values()) for doc in docs]
        self.average = sum(self.lengths) / max(1, len(docs)) or 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                self.postings[term].append((i, tf))
        self.n = len(docs)

    def scores(self, query: str) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for term in dict.fromkeys(terms(query)):
            postings = self.postings.get(term, ())
            if not postings:
                continue
            idf = math.log(1.0 + (self.n - len(postings) + 0.5) / (len(postings) + 0.5))
            for i, tf in postings:
                norm = self.k1 * (1.0 - self.b + self.b * self.lengths[i] / self.average)
                scores[i] += idf * tf * (self.k1 + 1.0) / (tf + norm)
        return scores


def rank(scores: Mapping[int, float]) -> list[int]:
    """Ids by descending score (ties: lower id first)."""
    return sorted(scores, key=lambda i: (-scores[i], i))


def reciprocal_rank_fusion(rankings: Iterable[Sequence[int]], k: int = RRF_K) -> list[int]:
    fused: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for position, item in enumerate(ranking, start=1):
            fused[item] += 1.0 / (k + position)
    return rank(fused)


class TurnBaselines:
    """BM25 and BM25 + cosine (RRF) over one conversation's turn lines."""

    def __init__(self, conversation: Conversation, embeddings: Any | None) -> None:
        self.lines = [turn.line for turn in conversation.turns]
        self.bm25 = OkapiBM25(self.lines)
        self.embeddings = embeddings
        self.vectors = None if embeddings is None else embeddings.embed_array(self.lines)

    def search(self, system: str, query: str) -> list[str]:
        lexical = rank(self.bm25.scores(query))
        if system == "bm25" or self.embeddings is None:
            ranking = lexical
        else:
            cosine = self.vectors @ self.embeddings.embed_array([query])[0]
            dense = sorted(range(len(self.lines)), key=lambda i: (-float(cosine[i]), i))
            ranking = reciprocal_rank_fusion([lexical, dense])
        return [self.lines[i] for i in ranking[:BASELINE_DEPTH]]


# -- results ---------------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    recalls: list[tuple[int, dict[int, float]]] = field(default_factory=list)
    """(category, budget -> evidence recall) per question."""
    session_hits: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    ingest_s: list[float] = field(default_factory=list)
    misses: list[tuple[Question, dict[int, float], list[int | None]]] = field(default_factory=list)
    """Questions with evidence outside the smallest budget: recall per budget and the result
    rank of each evidence id's first marker (``None``: not returned)."""

    def score(
        self, question: Question, texts: Sequence[str], budgets: Sequence[int], ms: float
    ) -> None:
        recalls = {b: evidence_recall(texts, question.evidence, b) for b in budgets}
        self.recalls.append((question.category, recalls))
        if min(recalls.values()) < 1.0:
            self.misses.append((question, recalls, evidence_ranks(texts, question.evidence)))
        self.session_hits.append(session_recall(texts, question.evidence))
        self.latencies_ms.append(ms)

    def recall(self, budget: int, category: int | None = None) -> float:
        values = [r[budget] for c, r in self.recalls if category in (None, c)]
        return statistics.fmean(values) if values else math.nan


def _percentile(samples: Sequence[float], q: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the package's two ingest paths ----------------------------------------------------------------
def _message(conversation: Conversation, session: Session, turn: Turn) -> BaseMessage:
    kind = HumanMessage if turn.speaker == conversation.speaker_a else AIMessage
    return kind(
        content=f"[{turn.dia_id}] {turn.text}",
        name=turn.speaker,
        additional_kwargs={"created_at": session.created_at.isoformat()},
    )


def ingest_remember(memory: GraphMemory, conversation: Conversation) -> dict[str, Any]:
    """Path (a): one ``remember`` of one document per session."""
    result = memory.remember(
        [session_document(s) for s in conversation.sessions], dataset=conversation.sample_id
    )
    return {"documents": len(result.document_ids)}


def ingest_sessions(memory: GraphMemory, conversation: Conversation) -> dict[str, Any]:
    """Path (b): every turn appended to its session's cache, then one ``improve``."""
    conv = conversation.sample_id
    for session, session_id in zip(conversation.sessions, conversation.session_ids(), strict=True):
        history = SessionChatMessageHistory(
            session_id, user_id=memory.user.id, store=memory.session_store
        )
        for turn in session.turns:
            history.add_message(_message(conversation, session, turn))
    seeded = False
    try:
        result = memory.improve(dataset=conv, session_ids=conversation.session_ids())
    except NoGraphDataError:
        # improve() refuses a dataset without graph data: give it one line to start from.
        seeded = True
        memory.remember(
            f"A conversation between {conversation.speaker_a} and {conversation.speaker_b}.",
            dataset=conv,
        )
        result = memory.improve(dataset=conv, session_ids=conversation.session_ids())
    return {"entries": result.entries_persisted, "seeded": seeded}


def _reset(memory: GraphMemory, conversation: Conversation) -> None:
    """Drop what an interrupted earlier run left of ``conversation`` (with ``--keep``)."""
    for session_id in conversation.session_ids():
        SessionChatMessageHistory(
            session_id, user_id=memory.user.id, store=memory.session_store
        ).clear()
    if memory.has_graph_data(conversation.sample_id):
        memory.forget(conversation.sample_id, all=True)


def stored_turn_ids(memory: GraphMemory, dataset: str) -> set[str] | None:
    """The ``Dx:y`` markers found in the dataset's stored chunk texts (``None``: unreadable)."""
    try:
        from cognee_langchain.core.aio import run_sync
        from cognee_langchain.graph.ops import TextKind

        async def collect() -> set[str]:
            found: set[str] = set()
            records = memory.graph_store.aiter_records(
                TextKind.CHUNK, [dataset], with_vectors=False
            )
            async for record in records:
                found.update(re.findall(r"\[(D\d+:\d+)\]", record.text))
            return found

        return run_sync(collect())
    except Exception:  # a diagnostic only: the store's API may move under us
        return None


def ingest_remember_without_places(
    memory: GraphMemory, conversation: Conversation
) -> dict[str, Any]:
    """Path (a) with the gazetteer's place words left out of the index: the ablation of a
    mechanism that acts when turns are indexed, which no search config can switch off."""
    with mock.patch.object(units, "place_words", lambda text, exclude=(): ""):
        return ingest_remember(memory, conversation)


INGESTS: dict[str, Callable[[GraphMemory, Conversation], dict[str, Any]]] = {
    "a": ingest_remember,
    "b": ingest_sessions,
    NO_PLACES: ingest_remember_without_places,
}
#: The rows each path runs (names from ``SYSTEMS``).
PATH_SYSTEMS: dict[str, Sequence[str]] = {
    "a": tuple(SYSTEMS),
    "b": PATH_B_SYSTEMS,
    NO_PLACES: ("default",),
}


def _retrieve(retriever: Any, query: str, max_budget: int) -> tuple[list[str], float]:
    """The ranked texts for ``query`` (enough for ``max_budget`` words when the system has them)
    and the latency of the first, ``top_k=TOP_K`` call in ms."""
    start = time.perf_counter()
    docs = retriever.invoke(query)
    ms = (time.perf_counter() - start) * 1e3
    texts = [doc.page_content for doc in docs]
    top_k = TOP_K
    while len(texts) >= top_k and _words(texts) < max_budget and top_k < MAX_TOP_K:
        top_k *= 2
        texts = [doc.page_content for doc in retriever.invoke(query, top_k=top_k)]
    return texts, ms


def run_path(
    path: str,
    systems: Sequence[str],
    conversations: Sequence[Conversation],
    budgets: Sequence[int],
    data_dir: Path,
    notes: list[str],
) -> list[Row]:
    rows = [Row(f"{name}({path})") for name in systems]
    memory = GraphMemory(data_dir)
    record_file = data_dir / _RECORD_FILE
    records: dict[str, Any] = json.loads(record_file.read_text()) if record_file.exists() else {}
    try:
        # Every conversation is ingested before any is asked: lexical statistics span the whole
        # index, so asking while later conversations are still missing would make a score
        # depend on the order of the file (and a --keep rerun differ from a fresh run).
        kept = {c.sample_id for c in conversations if c.sample_id in records}
        for conversation in conversations:
            conv = conversation.sample_id
            if conv not in kept:
                _reset(memory, conversation)
                start = time.perf_counter()
                info = INGESTS[path](memory, conversation)
                info["seconds"] = time.perf_counter() - start
                info["turns"] = len(conversation.turns)
                stored = stored_turn_ids(memory, conv)
                info["stored_turns"] = None if stored is None else len(stored)
                records[conv] = info
                record_file.write_text(json.dumps(records, indent=1))
        for conversation in conversations:
            conv = conversation.sample_id
            info = records[conv]
            retrievers = [
                memory.as_retriever(
                    datasets=[conv],
                    top_k=TOP_K,
                    **({} if SYSTEMS[name] is None else {"search_type": SYSTEMS[name]}),
                )
                for name in systems
            ]
            retrievers[0].invoke(conversation.questions[0].text)  # load the index, untimed
            for row, retriever in zip(rows, retrievers, strict=True):
                row.ingest_s.append(info["seconds"])
                for question in conversation.questions:
                    texts, ms = _retrieve(retriever, question.text, max(budgets))
                    row.score(question, texts, budgets, ms)
            stored = info.get("stored_turns")
            notes.append(
                f"path ({path}) {conv}: {info['turns']} turns given, "
                f"{'?' if stored is None else stored} found in stored chunks"
                + (f", {info['entries']} Q&A entries persisted" if "entries" in info else "")
                + (", dataset seeded with one line for improve()" if info.get("seeded") else "")
                + f", ingest {info['seconds']:.1f} s"
                + (" (kept from an earlier run)" if conv in kept else "")
            )
    finally:
        memory.close()
    return rows


def run_baselines(
    systems: Sequence[str], conversations: Sequence[Conversation], budgets: Sequence[int]
) -> list[Row]:
    from cognee_langchain.embeddings import WordLlamaEmbeddings  # the package's default

    embeddings = WordLlamaEmbeddings() if "hybrid" in systems else None
    rows = [Row(name) for name in systems]
    for conversation in conversations:
        start = time.perf_counter()
        index = TurnBaselines(conversation, embeddings)
        seconds = time.perf_counter() - start
        for row in rows:
            row.ingest_s.append(seconds)
            for question in conversation.questions:
                start = time.perf_counter()
                texts = index.search(row.name, question.text)
                row.score(question, texts, budgets, (time.perf_counter() - start) * 1e3)
    return rows


# -- output ----------------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for i, row in enumerate((header, *rows)):
        print(
            "  ".join(
                cell.ljust(width) if j == 0 else cell.rjust(width)
                for j, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * width for width in widths))
    print()


def _fmt(value: float, digits: int = 3) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.{digits}f}".lstrip("0") if digits == 3 else f"{value:.{digits}f}"


def report(rows: Sequence[Row], budgets: Sequence[int], wall_s: float) -> None:
    focus = 500 if 500 in budgets else budgets[len(budgets) // 2]
    header = [
        "system",
        *(f"@{b}" for b in budgets),
        *(f"{name} @{focus}" for name in CATEGORIES.values()),
        f"sess R@{SESSION_K}",
        "p50 ms",
        "p95 ms",
        "ingest s",
    ]
    _table(
        header,
        [
            [
                row.name,
                *(_fmt(row.recall(b)) for b in budgets),
                *(_fmt(row.recall(focus, c)) for c in CATEGORIES),
                _fmt(statistics.fmean(row.session_hits) if row.session_hits else math.nan),
                _fmt(statistics.median(row.latencies_ms) if row.latencies_ms else math.nan, 1),
                _fmt(_percentile(row.latencies_ms, 0.95), 1),
                _fmt(statistics.fmean(row.ingest_s) if row.ingest_s else math.nan, 2),
            ]
            for row in rows
        ],
    )
    print(
        "memory_quality: "
        + "  ".join(f"{row.name} @{focus}={_fmt(row.recall(focus))}" for row in rows)
        + f"  ({len(rows[0].recalls) if rows else 0} questions, wall {wall_s:.0f} s)"
    )


#: README labels of rows (others keep their names); a row absent from the run is left out.
README_ROWS = {
    "bm25": "baseline: BM25 over single turns (same run)",
    "hybrid": "baseline: BM25 + WordLlama cosine over single turns, RRF (same run)",
    "default(a)": "default retriever, `remember` one document per session",
    "default(b)": "default retriever, sessions cached then `improve`",
    "graph(a)": "`graph` search type, `remember` one document per session",
}
#: The targets of issue 16 (budgets 200 / 500 / 1000, multi-hop and temporal @500, session R@5):
#: goals, not measurements.
TARGETS = (".74", ".84", ".90", ".58", "", ".94")


def markdown(rows: Sequence[Row], budgets: Sequence[int], n_questions: int, wall_s: float) -> str:
    """The README's table and the ablation line, from this run's rows."""
    focus = 500 if 500 in budgets else budgets[len(budgets) // 2]
    by_name = {row.name: row for row in rows}
    lines = [
        "| system | "
        + " | ".join(f"@{b}" for b in budgets)
        + f" | multi-hop @{focus} | temporal @{focus} | session R@{SESSION_K} |",
        "|---|" + "---|" * (len(budgets) + 3),
    ]
    for name, label in README_ROWS.items():
        row = by_name.get(name)
        if row is None:
            continue
        cells = [
            *(_fmt(row.recall(b)) for b in budgets),
            _fmt(row.recall(focus, 1)),
            _fmt(row.recall(focus, 2)),
            _fmt(statistics.fmean(row.session_hits) if row.session_hits else math.nan),
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if list(budgets) == list(DEFAULT_BUDGETS):
        lines.append("| targets of issue 16 (goals, not measured) | " + " | ".join(TARGETS) + " |")
    reference = by_name.get("chunks(a)")
    ablations = [
        row
        for row in rows
        if row.name.endswith("(a)")
        and row.name[:-3] in SYSTEMS
        and row.name[:-3] not in ("default", "graph", "chunks")
    ]
    text = "\n".join(lines) + "\n"
    if reference is not None and ablations:
        base = reference.recall(focus)
        deltas = [(row.recall(focus) - base, row.name[:-3]) for row in ablations]
        unplaced = by_name.get(f"default({NO_PLACES})")
        if unplaced is not None:  # the default is chunks: the same base
            deltas.append((unplaced.recall(focus) - base, "- gazetteer (at indexing)"))
        changes = sorted(deltas, key=lambda c: c[0])
        text += (
            f"\nEach change alone, against `chunks` on the `remember` path (@{focus} "
            f"{_fmt(base)}; each ablation row is `chunks` changed as `SYSTEMS` in the script "
            "defines it): "
            + ", ".join(
                f"`{name}` {delta:+.3f}".replace("+0.", "+.").replace("-0.", "−.")
                for delta, name in changes
            )
            + f". {n_questions} questions, one run, {wall_s:.0f} s wall.\n"
        )
    return text


def print_misses(row: Row, budget: int, conversations: Sequence[Conversation]) -> None:
    """Each question ``row`` missed evidence of within ``budget`` words: the question, then per
    evidence id the rank of the first result showing it and the turn (to read misses by)."""
    lines = {(c.sample_id, t.dia_id): t.line for c in conversations for t in c.turns}
    missed = [miss for miss in row.misses if miss[1].get(budget, 1.0) < 1.0]
    print(f"misses of {row.name} within {budget} words: {len(missed)} questions\n")
    for question, recalls, ranks in sorted(missed, key=lambda m: m[0].category):
        name = CATEGORIES[question.category]
        print(f"[{name}] {question.sample_id}: {question.text} (recall {recalls[budget]:.2f})")
        for turn, rank in zip(question.evidence, ranks, strict=True):
            shown = "-" if rank is None else str(rank)
            line = lines.get((question.sample_id, turn), turn)
            print(f"    rank {shown:>4}  {line[:150]}")
    print()


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="LoCoMo-format JSON")
    parser.add_argument("--conversations", type=int, default=None, help="first N only")
    parser.add_argument(
        "--paths",
        type=_csv,
        default=list(INGESTS),
        help=f"ingest paths: {','.join(INGESTS)} ({NO_PLACES}: a without the gazetteer)",
    )
    parser.add_argument(
        "--budgets", type=lambda s: [int(b) for b in _csv(s)], default=list(DEFAULT_BUDGETS)
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep (and reuse) the ingested memories here"
    )
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write the README table to this file"
    )
    parser.add_argument(
        "--misses",
        type=int,
        default=None,
        metavar="B",
        help="list the questions the first path-(a) row misses evidence of within B words",
    )
    parser.add_argument(
        "--systems",
        type=_csv,
        default=None,
        help=f"rows to run, from {[*BASELINES, *SYSTEMS]} (default: all)",
    )
    args = parser.parse_args()

    data = args.data or DEFAULT_DATA
    if not data.is_file():
        parser.error(
            f"no LoCoMo data at {data}: pass --data PATH (the LoCoMo JSON, e.g. locomo10.json "
            "from snap-research/LoCoMo)"
        )
    unknown_paths = set(args.paths) - set(INGESTS)
    if unknown_paths:
        parser.error(f"unknown paths {sorted(unknown_paths)}: use {', '.join(INGESTS)}")
    selected = args.systems or [*BASELINES, *SYSTEMS]
    unknown = set(selected) - {*BASELINES, *SYSTEMS}
    if unknown:
        parser.error(f"unknown systems {sorted(unknown)}: use {[*BASELINES, *SYSTEMS]}")
    budgets = sorted(set(args.budgets))
    conversations = load_conversations(data, args.conversations)
    n_turns = sum(len(c.turns) for c in conversations)
    n_questions = sum(len(c.questions) for c in conversations)
    print(
        f"{data.name}: {len(conversations)} conversations, {n_turns:,} turns, "
        f"{n_questions} scored questions; baselines stem with Snowball; "
        f"1-min load {os.getloadavg()[0]:.2f}\n"
    )

    wall = time.perf_counter()
    rows: list[Row] = []
    notes: list[str] = []
    baselines = [name for name in BASELINES if name in selected]
    if baselines:
        rows += run_baselines(baselines, conversations, budgets)
    with tempfile.TemporaryDirectory(prefix="memory_quality_") as scratch:
        root = args.keep or Path(scratch)
        for path in args.paths:
            names = PATH_SYSTEMS[path]
            systems = [name for name in names if name in selected]
            if systems:
                data_dir = root / path
                data_dir.mkdir(parents=True, exist_ok=True)
                rows += run_path(path, systems, conversations, budgets, data_dir, notes)
    wall_s = time.perf_counter() - wall
    for note in notes:
        print(note)
    if notes:
        print()
    report(rows, budgets, wall_s)
    if args.misses is not None:
        if args.misses not in budgets:
            parser.error(f"--misses {args.misses}: not one of the budgets {budgets}")
        first = next((row for row in rows if row.name.endswith("(a)")), None)
        if first is not None:
            print_misses(first, args.misses, conversations)
    if args.markdown is not None:
        args.markdown.write_text(markdown(rows, budgets, n_questions, wall_s))


if __name__ == "__main__":
    main()
