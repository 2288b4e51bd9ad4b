"""Fuzzing the public API: whatever a caller passes, only the package's documented errors escape,
and a call that fails leaves nothing stored changed.

Every public method of ``GraphMemory`` (and its constructor), ``GraphRetriever``,
``create_memory_tool``, ``make_recall_node`` and ``User`` gets arguments drawn from a mix of
valid values and hostile ones: wrong types, empty / blank / over-the-limit strings, lone
surrogates, control characters, negative / float / bool / huge numbers, nested lists, odd
metadata. The property:

* what escapes is a :class:`CogneeLangchainError` (a ``TypeError`` only for an unknown keyword
  of a constructor);
* on such an error the graph revision, the datasets with their grants and every session are
  unchanged.

One small offline memory (pattern extractor, bag-of-words embeddings, small ``Limits`` so that
"huge" inputs stay cheap) serves the whole module. ``FUZZ_EXAMPLES`` sets the examples per test.

The deterministic tests at the end pin the gaps the fuzzing found, each with the input that
showed it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from langchain_core.documents import Document
from langchain_core.messages import HumanMessage

from cognee_langchain.core.defaults import Limits
from cognee_langchain.errors import CogneeLangchainError, InvalidInputError
from cognee_langchain.graph.models import SourceItem
from cognee_langchain.memory import GraphMemory
from cognee_langchain.nodes import make_recall_node
from cognee_langchain.permissions import Permission
from cognee_langchain.retrieval.config import get_search_config
from cognee_langchain.retrievers import GraphRetriever
from cognee_langchain.services.persist import PipelineRun
from cognee_langchain.tools import create_memory_tool
from cognee_langchain.users import User
from tests.unit.test_memory_support import make_memory

settings.register_profile(
    "fuzz_public_api",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
FUZZ = settings(settings.get_profile("fuzz_public_api"))

LIMITS = Limits(max_query_chars=300, max_text_chars=3_000, max_id_chars=48)
ALICE = User(id="alice")
BOB = User(id="bob")
SEED = "Alice Johnson leads Acme Corp. Bob Smith joined Acme Corp. Acme Corp builds Starship."
SEED_TEAM = "Carol Diaz founded Zeta Labs. Zeta Labs acquired Denver."

# -- strategies --------------------------------------------------------------------------------
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
CONTROLS = st.sampled_from(
    ["\x00", "\n", "\t", "\r", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff"]
)
#: Any code points, surrogates and control characters included.
RAW_TEXT = st.text(st.characters(exclude_categories=()), max_size=12)
BLANK = st.sampled_from(["", " ", "\t\n  ", "\u00a0\u2003", "\u200b"])
JUNK: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.complex_numbers(max_magnitude=10),
    st.binary(max_size=6),
    st.builds(bytearray, st.binary(max_size=4)),
    st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
    st.tuples(st.integers()),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sets(st.integers(), max_size=2),
    st.just(object()),
    st.just(Ellipsis),
)


class Arg(NamedTuple):
    """An argument's valid values and its hostile ones."""

    valid: st.SearchStrategy[Any]
    bad: st.SearchStrategy[Any]

    def either(self) -> st.SearchStrategy[Any]:
        return st.one_of(self.valid, self.bad)


def call_args(**args: Arg) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for one call: all valid, or one of them hostile, or all hostile. One
    bad argument at a time is what reaches past the first check into the layers below."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        # as often all valid as one bad: valid calls are the ones that go deep
        bad = draw(st.sampled_from([*[None] * len(args), *args, "*"]))
        return {
            name: draw(arg.bad if bad in (name, "*") else arg.valid) for name, arg in args.items()
        }

    return build()


def spliced(base: st.SearchStrategy[str], extra: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``base`` with a character of ``extra`` inserted somewhere."""

    def splice(text: str, char: str, at: int) -> str:
        at %= len(text) + 1
        return text[:at] + char + text[at:]

    return st.builds(splice, base, extra, st.integers(0, 10_000))


def over(base: st.SearchStrategy[str], limit: int) -> st.SearchStrategy[str]:
    """``base`` repeated until it is longer than ``limit``."""
    return base.map(lambda text: (text + " ") * (limit // (len(text) + 1) + 1))


def bad_strings(valid: st.SearchStrategy[str], limit: int) -> st.SearchStrategy[str]:
    """Blank, arbitrary code points, ``valid`` with a lone surrogate or a control character
    spliced in, ``valid`` repeated past ``limit``."""
    return st.one_of(
        BLANK, RAW_TEXT, spliced(valid, SURROGATES), spliced(valid, CONTROLS), over(valid, limit)
    )


def text_arg(valid: st.SearchStrategy[str], limit: int, *, optional: bool = False) -> Arg:
    """A str argument: hostile strings or values of another type when bad."""
    bad = st.one_of(bad_strings(valid, limit), JUNK)
    return Arg(st.one_of(st.none(), valid) if optional else valid, bad)


def names_arg(valid: st.SearchStrategy[str]) -> Arg:
    """What a read covers: ``None``, one name or a list of names."""
    one = text_arg(valid, LIMITS.max_id_chars)
    return Arg(
        st.one_of(st.none(), valid, st.lists(valid, min_size=1, max_size=3)),
        st.one_of(one.bad, st.lists(one.either(), max_size=3), st.just([])),
    )


DATASET_NAMES = st.sampled_from(["main_dataset", "team", "fresh", "Ünïcode-名前"])
READABLE = st.sampled_from(["main_dataset", "team"])
DATASET = text_arg(DATASET_NAMES, LIMITS.max_id_chars)
DATASETS = names_arg(READABLE)
NODE_SET = text_arg(st.sampled_from(["notes", "n2"]), LIMITS.max_id_chars, optional=True)
NODE_SETS = names_arg(st.sampled_from(["notes", "n2"]))
SESSION_ID = text_arg(st.sampled_from(["s1", "s2", "s3"]), LIMITS.max_id_chars, optional=True)
USER = Arg(st.sampled_from([None, None, ALICE, BOB]), st.one_of(st.text(max_size=4), JUNK))
QUESTIONS = st.sampled_from(
    ["Who leads Acme Corp?", "Zeta Labs", "And Bob?", "Where is it?", "Ünïcode 名前 ?"]
)
QUERY = text_arg(
    st.one_of(QUESTIONS, st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)),
    LIMITS.max_query_chars,
)
TOP_K = Arg(
    st.integers(1, 10),
    st.one_of(st.integers(-3, 0), st.just(2**64), JUNK, st.just("3"), st.just(2.0)),
)
SEARCH_TYPE = Arg(
    st.one_of(
        st.sampled_from(["graph", "chunks", "facts", "summaries"]),
        st.just(get_search_config("chunks")),
    ),
    text_arg(st.sampled_from(["GRAPH", "graph "]), 40).bad,
)
PERMISSION = Arg(
    st.sampled_from([*Permission, "read", "write", "delete", "share"]),
    text_arg(st.sampled_from(["READ", "admin"]), 40).bad,
)
TEXTS = st.sampled_from(
    [SEED, "Dana Lee lives in Paris.", "plain words", "Zeta Labs builds Rockets"]
)
TEXT = text_arg(TEXTS, LIMITS.max_text_chars)
#: Valid texts of any content: control characters and any script, never a lone surrogate.
ANY_VALID_TEXT = st.one_of(
    TEXTS,
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=200).filter(str.strip),
)
METADATA = Arg(
    st.sampled_from([{}, {"source": "notes.txt", "page": 3}, {"tags": ["a", "b"], "n": None}]),
    st.one_of(
        st.fixed_dictionaries({"source": st.one_of(RAW_TEXT, JUNK)}),
        st.dictionaries(
            st.one_of(RAW_TEXT, st.integers(), st.none()),
            st.one_of(RAW_TEXT, st.integers(min_value=-(2**70), max_value=2**70), JUNK),
            min_size=1,
            max_size=3,
        ),
    ),
)
# SourceItem's own validation refuses non-str metadata keys when it is built
STR_KEYED = METADATA.either().filter(lambda meta: all(isinstance(key, str) for key in meta))


def documents(page_content: st.SearchStrategy[Any], metadata: st.SearchStrategy[Any]) -> Any:
    return st.builds(Document, page_content=page_content, metadata=metadata)


def source_items(bad: bool) -> st.SearchStrategy[SourceItem]:
    """Source items: valid ones, or (``bad``) ones with a hostile field."""
    fields = {
        "text": Arg(ANY_VALID_TEXT, bad_strings(TEXTS, LIMITS.max_text_chars)),
        "name": Arg(st.sampled_from([None, "notes"]), bad_strings(st.just("notes"), 300)),
        "session_id": Arg(st.sampled_from([None, "s1"]), bad_strings(st.just("s1"), 300)),
        "message_ids": Arg(
            st.just(("m1",)),
            st.lists(bad_strings(st.just("m1"), 300), min_size=1, max_size=2).map(tuple),
        ),
        "metadata": Arg(METADATA.valid, STR_KEYED),
    }
    if bad:
        return call_args(**fields).map(lambda kw: SourceItem(**kw))
    return st.builds(SourceItem, **{name: arg.valid for name, arg in fields.items()})


# Files remember may be given, made by the module fixture (strategies draw their paths lazily).
_FILES: dict[str, Path] = {}
_GOOD_FILES = ["good.txt", "notes.md", "nonutf8name"]
_BAD_FILES = [
    "empty.txt",
    "latin1.txt",
    "big.txt",
    "doc.pdf",
    "folder.txt",
    "missing.txt",
    "surrogate",
]


def files(names: list[str]) -> st.SearchStrategy[object]:
    return st.sampled_from(names).flatmap(
        lambda name: st.sampled_from([_FILES[name], str(_FILES[name])])
    )


GOOD_ITEM = st.one_of(
    ANY_VALID_TEXT,
    documents(ANY_VALID_TEXT, METADATA.valid),
    source_items(bad=False),
    files(_GOOD_FILES),
)
BAD_ITEM = st.one_of(
    TEXT.bad,
    documents(bad_strings(TEXTS, LIMITS.max_text_chars), METADATA.either()),
    documents(TEXTS, METADATA.bad),
    source_items(bad=True),
    files(_BAD_FILES),
)
REMEMBER_DATA = Arg(
    st.one_of(GOOD_ITEM, st.lists(GOOD_ITEM, min_size=1, max_size=3)),
    st.one_of(
        BAD_ITEM,
        st.lists(st.one_of(GOOD_ITEM, BAD_ITEM), max_size=3),  # [] and one bad among good ones
        st.lists(st.lists(GOOD_ITEM, max_size=2), min_size=1, max_size=2),
        st.tuples(GOOD_ITEM, BAD_ITEM),
    ),
)


# -- the memory and the property ---------------------------------------------------------------
@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphMemory]:
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "files"
    folder.mkdir()
    (folder / "good.txt").write_text("Erin Park leads Orbit Inc.", encoding="utf-8")
    (folder / "notes.md").write_text("# Notes\n\nOrbit Inc builds Satellites.", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Café Müller".encode("latin-1"))
    (folder / "big.txt").write_text("word " * LIMITS.max_text_chars, encoding="utf-8")
    (folder / "doc.pdf").write_bytes(b"%PDF-1.4")
    (folder / "folder.txt").mkdir()
    raw_name = os.fsencode(folder) + b"/caf\xe9.txt"  # a POSIX name that is not UTF-8
    with open(raw_name, "wb") as handle:
        handle.write(b"Frank Ortiz joined Orbit Inc.")
    _FILES.update({name: folder / name for name in _GOOD_FILES + _BAD_FILES})
    _FILES["nonutf8name"] = Path(os.fsdecode(raw_name))
    _FILES["surrogate"] = folder / "bad\ud800.txt"

    mem = make_memory(root / "data", limits=LIMITS)
    mem.remember(SEED)
    mem.remember(SEED_TEAM, dataset="team", node_set="notes", user=ALICE)
    mem.recall("Who leads Acme Corp?", session_id="s1")
    mem.recall("Who founded Zeta Labs?", session_id="s2", user=ALICE)
    yield mem
    mem.close()


def snapshot(memory: GraphMemory) -> tuple[object, ...]:
    """What a failed call must leave as it was: the graph revision, the datasets with their
    owners and grants, every session of the users the tests act as."""
    store = memory.graph_store
    datasets = sorted(repr(info) for info in store.list_datasets())
    sessions = {
        user_id: [
            (info.session_id, info.message_count)
            for info in memory.session_store.list_sessions(user_id)
        ]
        for user_id in (memory.user.id, ALICE.id, BOB.id)
    }
    return store.current_revision(), datasets, sessions


def attempt(memory: GraphMemory, call: Callable[[], Any]) -> Any:
    """Run ``call``: a :class:`CogneeLangchainError` may escape it (and must leave nothing
    changed), any other exception fails the test."""
    before = snapshot(memory)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            result = call()
    except CogneeLangchainError as exc:
        event(type(exc).__name__)  # --hypothesis-show-statistics shows the mix of outcomes
        assert snapshot(memory) == before, "a call that failed changed what is stored"
        return None
    event("ok")
    if isinstance(result, PipelineRun):  # a background improve: its outcome counts too
        with contextlib.suppress(CogneeLangchainError):
            result.result(timeout=60)
    return result


#: An optional keyword left out of a call.
ABSENT: Any = object()


def optional(arg: Arg) -> Arg:
    """An optional keyword: left out, or given."""
    return Arg(st.one_of(st.just(ABSENT), arg.valid), arg.bad)


def keywords(**args: Arg) -> st.SearchStrategy[dict[str, Any]]:
    """:func:`call_args` without the keywords left out."""
    return call_args(**args).map(
        lambda kwargs: {name: value for name, value in kwargs.items() if value is not ABSENT}
    )


UNKNOWN = Arg(st.just(ABSENT), JUNK)  # a keyword nobody takes ("bogus")
#: The search keywords of search / recall, with the deprecated and an unknown spelling.
SEARCH_KEYWORDS = {
    "datasets": optional(DATASETS),
    "search_type": optional(SEARCH_TYPE),
    "top_k": optional(TOP_K),
    "node_sets": optional(NODE_SETS),
    "user": optional(USER),
    "dataset": Arg(st.just(ABSENT), DATASETS.either()),  # deprecated spelling (warns)
    "k": UNKNOWN,
}


# -- GraphMemory -------------------------------------------------------------------------------
@FUZZ
@given(args=call_args(data=REMEMBER_DATA, dataset=DATASET, node_set=NODE_SET, user=USER))
def test_remember(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.remember(**args))


@FUZZ
@given(
    args=call_args(
        items=Arg(
            st.lists(source_items(bad=False), min_size=1, max_size=3),
            st.one_of(
                st.lists(st.one_of(source_items(bad=True), JUNK), max_size=3),
                source_items(bad=False),  # not in a list
                JUNK,
            ),
        ),
        dataset=DATASET,
        node_set=NODE_SET,
        user=USER,
        chunk_size=Arg(st.sampled_from([None, 64, 400]), st.sampled_from([0, -1, True, 2.5, "9"])),
        chunk_overlap=Arg(st.sampled_from([None, 0, 10]), st.sampled_from([-1, 400, 1.5, "3"])),
    )
)
def test_ingest(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.ingest(**args))


@FUZZ
@given(
    args=call_args(
        dataset=DATASET,
        document_id=text_arg(st.just("0" * 32), LIMITS.max_id_chars, optional=True),
        node_set=NODE_SET,
        session_id=SESSION_ID,
        user=USER,
    )
)
def test_forget(memory: GraphMemory, args: dict[str, Any]) -> None:
    # Keep the seeded content: forgetting all of it would leave later examples little to find.
    if args["document_id"] is None and args["node_set"] is None and args["session_id"] is None:
        args["session_id"] = "s3"
    attempt(memory, lambda: memory.forget(**args))


@FUZZ
@given(args=keywords(query=QUERY, **SEARCH_KEYWORDS))
def test_search(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.search(**args))


@FUZZ
@given(args=keywords(query=QUERY, session_id=SESSION_ID, **SEARCH_KEYWORDS))
def test_recall(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.recall(**args))


@FUZZ
@given(
    args=call_args(
        dataset=DATASET,
        session_ids=Arg(
            st.one_of(st.none(), st.lists(st.sampled_from(["s1", "s2", "s3"]), max_size=3)),
            st.one_of(SESSION_ID.bad, st.lists(SESSION_ID.either(), min_size=1, max_size=3)),
        ),
        user=USER,
        run_in_background=Arg(st.booleans(), JUNK),
    )
)
def test_improve(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.improve(**args))


@FUZZ
@given(
    grant=st.booleans(),
    args=call_args(
        dataset=DATASET,
        user_id=text_arg(st.sampled_from(["alice", "bob", "carol"]), 300),
        permission=PERMISSION,
        by=USER,
    ),
)
def test_grant_and_revoke(memory: GraphMemory, grant: bool, args: dict[str, Any]) -> None:
    if grant:
        attempt(memory, lambda: memory.grant(**args))
    else:
        attempt(memory, lambda: memory.revoke(**args))


@FUZZ
@given(args=call_args(dataset=DATASET, permission=PERMISSION, user=USER))
def test_check_permission(memory: GraphMemory, args: dict[str, Any]) -> None:
    attempt(memory, lambda: memory.check_permission(**args))


@FUZZ
@given(
    method=st.sampled_from(["stats", "readable_datasets", "to_networkx"]),
    args=call_args(datasets=DATASETS, user=USER),
)
def test_reads(memory: GraphMemory, method: str, args: dict[str, Any]) -> None:
    attempt(memory, lambda: getattr(memory, method)(**args))


@FUZZ
@given(user=USER.either())
def test_datasets(memory: GraphMemory, user: object) -> None:
    attempt(memory, lambda: memory.datasets(user))


# Paths inside the memory's folder: names without "/" (so never outside it), with NUL and lone
# surrogates among the characters.
VIEW_NAMES = st.text(st.characters(exclude_characters="/", exclude_categories=()), max_size=12)


@FUZZ
@given(
    args=call_args(
        path=Arg(
            st.sampled_from(["graph.html", "sub/dir/g.html"]),
            st.one_of(st.sampled_from(["", " ", "..", "graph.sqlite/x.html"]), VIEW_NAMES),
        ),
        datasets=DATASETS,
        user=USER,
        # any positive int is valid: one beyond SQLite's 64 bits means all entities
        max_nodes=Arg(
            st.one_of(st.integers(1, 50), st.sampled_from([2**63 - 1, 2**63, 2**70])),
            st.one_of(st.integers(-3, 0), JUNK),
        ),
    ),
    junk_path=st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.integers())),
    how=st.sampled_from(["str", "path", "junk"]),
)
def test_visualize(memory: GraphMemory, args: dict[str, Any], junk_path: object, how: str) -> None:
    target = str(memory.data_dir.parent / "views") + "/" + args["path"]
    args["path"] = {"str": target, "path": Path(target), "junk": junk_path}[how]
    attempt(memory, lambda: memory.visualize(**args))


@FUZZ
@given(
    data_dir=st.one_of(st.none(), st.text(max_size=8), JUNK),
    options=keywords(
        llm=optional(Arg(st.none(), JUNK)),
        embeddings=optional(Arg(st.none(), JUNK)),
        session_store=optional(
            Arg(st.none(), st.one_of(JUNK, st.sampled_from(["", " ", "redis://"])))
        ),
        graph_store=optional(Arg(st.none(), st.one_of(JUNK, st.sampled_from(["", ":memory:"])))),
        user=optional(USER),
        extractor=optional(Arg(st.none(), JUNK)),
        chunk_size=optional(Arg(st.sampled_from([None, 200]), TOP_K.bad)),
        chunk_overlap=optional(Arg(st.sampled_from([None, 20]), TOP_K.bad)),
        resolver=optional(Arg(st.none(), JUNK)),
        llm_timeout=optional(Arg(st.just(5.0), st.one_of(st.floats(), JUNK))),
        limits=optional(Arg(st.just(Limits()), JUNK)),
        bogus=UNKNOWN,
    ),
)
def test_graph_memory_constructor(data_dir: object, options: dict[str, Any]) -> None:
    # Construction opens nothing; a str data_dir is kept inside a temporary folder all the same.
    if isinstance(data_dir, str):
        data_dir = os.path.join(tempfile.gettempdir(), "fuzz-data-dir", data_dir.replace("/", "_"))
    try:
        GraphMemory(data_dir, **options).close()  # type: ignore[arg-type]
    except CogneeLangchainError:
        pass
    except TypeError:
        assert "bogus" in options, "a TypeError for something other than an unknown keyword"


# -- adapters and User -------------------------------------------------------------------------
RETRIEVER_FIELDS = {
    "top_k": optional(TOP_K),
    "search_type": optional(SEARCH_TYPE),
    "datasets": optional(DATASETS),
    "node_sets": optional(NODE_SETS),
}


@FUZZ
@given(
    fields=keywords(
        memory=Arg(st.just(ABSENT), st.one_of(st.none(), JUNK)),  # ABSENT: the fixture's
        user=optional(USER),
        k=Arg(st.just(ABSENT), TOP_K.either()),  # deprecated spelling (warns)
        bogus=UNKNOWN,
        **RETRIEVER_FIELDS,
    ),
    query=QUERY.either(),
    overrides=keywords(k=UNKNOWN, **RETRIEVER_FIELDS),
)
def test_graph_retriever(
    memory: GraphMemory, fields: dict[str, Any], query: object, overrides: dict[str, Any]
) -> None:
    def run() -> object:
        retriever = GraphRetriever(**{"memory": memory, **fields})
        return retriever.invoke(query, **overrides)  # type: ignore[arg-type]

    try:
        attempt(memory, run)
    except TypeError:
        assert "bogus" in fields, "a TypeError for something other than an unknown keyword"


@FUZZ
@given(
    options=keywords(
        name=optional(text_arg(st.just("search_memory"), 80)),
        description=optional(text_arg(st.just("Search memory."), 80)),
        top_k=optional(TOP_K),
        datasets=optional(DATASETS),
        dataset=Arg(st.just(ABSENT), DATASETS.either()),
        search_type=optional(SEARCH_TYPE),
        max_tokens=optional(Arg(st.sampled_from([None, 5, 500]), TOP_K.bad)),
        user=optional(USER),
        bogus=UNKNOWN,
    ),
    query=QUERY.either(),
)
def test_memory_tool(memory: GraphMemory, options: dict[str, Any], query: object) -> None:
    def run() -> object:
        tool = create_memory_tool(memory, **options)
        return tool.invoke({"query": query})

    attempt(memory, run)


@FUZZ
@given(
    options=keywords(
        top_k=optional(TOP_K),
        context_key=optional(text_arg(st.just("memory_context"), 40)),
        datasets=optional(DATASETS),
        dataset=Arg(st.just(ABSENT), DATASETS.either()),
        search_type=optional(SEARCH_TYPE),
        as_text=optional(Arg(st.booleans(), JUNK)),
        max_tokens=optional(Arg(st.sampled_from([None, 5, 500]), TOP_K.bad)),
        user=optional(USER),
        name=optional(Arg(st.just("recall_memory"), JUNK)),
        bogus=UNKNOWN,
    ),
    state=call_args(
        messages=Arg(
            st.builds(lambda q: [HumanMessage(q)], QUERY.valid),
            st.one_of(
                st.builds(
                    lambda q: [HumanMessage(q)], bad_strings(QUESTIONS, LIMITS.max_query_chars)
                ),
                JUNK,
            ),
        )
    ),
    junk_state=st.one_of(st.none(), JUNK),
    use_junk_state=st.sampled_from([False, False, False, True]),
    config=st.one_of(st.none(), st.builds(lambda u: {"configurable": {"user": u}}, USER.either())),
)
def test_recall_node(
    memory: GraphMemory,
    options: dict[str, Any],
    state: dict[str, Any],
    junk_state: object,
    use_junk_state: bool,
    config: object,
) -> None:
    def run() -> object:
        node = make_recall_node(memory, **options)
        return node.invoke(junk_state if use_junk_state else state, config)  # type: ignore[arg-type]

    attempt(memory, run)


@FUZZ
@given(
    fields=keywords(
        id=optional(text_arg(st.just("user-1"), 300)),
        name=optional(Arg(st.just("Ann"), st.one_of(RAW_TEXT, JUNK))),
        email=optional(Arg(st.just("ann@example.com"), st.one_of(RAW_TEXT, JUNK))),
        idd=UNKNOWN,
    )
)
def test_user(fields: dict[str, Any]) -> None:
    with contextlib.suppress(CogneeLangchainError):
        User(**fields)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# -- deterministic checks of what the fuzzing covers -------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.remember("Alice \ud800 leads Acme."),
        lambda m: m.remember("Alice leads Acme.", dataset="d\ud800"),
        lambda m: m.search("who \ud800"),
        lambda m: m.recall("who \ud800", session_id="s1"),
        lambda m: m.recall("who", session_id="s\udcff"),
        lambda m: m.remember(Document(page_content="ok text", metadata={"k": "\ud800"})),
        lambda m: m.remember(Document(page_content="ok text", metadata={1: "x"})),
    ],
)
def test_invalid_unicode_is_our_error_and_stores_nothing(
    memory: GraphMemory, call: Callable[[GraphMemory], object]
) -> None:
    before = snapshot(memory)
    with pytest.raises(InvalidInputError):
        call(memory)
    assert snapshot(memory) == before


def test_limits_come_from_the_memory(memory: GraphMemory) -> None:
    before = snapshot(memory)
    with pytest.raises(InvalidInputError, match=r"max_query_chars"):
        memory.search("q" * (LIMITS.max_query_chars + 1))
    with pytest.raises(InvalidInputError, match=r"max_query_chars"):
        memory.recall("q" * (LIMITS.max_query_chars + 1), session_id="s1")
    with pytest.raises(InvalidInputError, match=r"max_text_chars"):
        memory.remember("t" * (LIMITS.max_text_chars + 1))
    with pytest.raises(InvalidInputError, match=r"max_id_chars"):
        memory.remember("Some text.", dataset="d" * (LIMITS.max_id_chars + 1))
    with pytest.raises(InvalidInputError, match=r"max_id_chars"):
        memory.search("Acme", node_sets=["n" * (LIMITS.max_id_chars + 1)])
    assert snapshot(memory) == before


def test_a_non_utf8_file_name_is_remembered_under_a_readable_name(memory: GraphMemory) -> None:
    result = memory.remember(_FILES["nonutf8name"], dataset="files")
    (document,) = memory.graph_store.get_documents(result.document_ids)
    assert document.name is not None and document.name.endswith("caf\ufffd.txt")


# -- gaps the fuzzing found, pinned -------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "match"),
    [("", "non-empty"), ("   ", "non-empty"), (5, "non-empty"), ("\ud800", "invalid Unicode")],
)
def test_memory_tool_rejects_a_bad_query_with_our_error(
    memory: GraphMemory, query: object, match: str
) -> None:
    tool = create_memory_tool(memory)
    with pytest.raises(InvalidInputError, match=match):
        tool.invoke({"query": query})
    with pytest.raises(InvalidInputError, match="query"):
        tool.invoke({"question": "Who leads Acme Corp?"})  # a missing query names it


@pytest.mark.parametrize(("name", "match"), [("a\x00b.html", "NUL"), ("bad\ud800.html", "encode")])
def test_visualize_rejects_an_unusable_path_name(
    memory: GraphMemory, name: str, match: str
) -> None:
    target = memory.data_dir.parent / "views-bad" / name
    with pytest.raises(InvalidInputError, match=match):
        memory.visualize(str(target))
    assert not target.parent.exists()  # checked before anything was written


@pytest.mark.parametrize(("name", "match"), [("a\x00b", "NUL"), ("bad\ud800", "encode")])
@pytest.mark.parametrize("option", ["data_dir", "graph_store", "session_store"])
def test_unusable_store_paths_fail_at_construction(
    tmp_path: Path, name: str, match: str, option: str
) -> None:
    path = str(tmp_path) + "/" + name
    options: dict[str, Any] = {"data_dir": tmp_path} | {option: path}
    with pytest.raises(InvalidInputError, match=rf"{option}.*{match}"):
        make_memory(options.pop("data_dir"), **options)  # no call needed: it fails at once
    assert list(tmp_path.iterdir()) == []


def test_a_redis_url_with_invalid_unicode_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="session_store URL"):
        make_memory(tmp_path, session_store="redis://host\ud800:6379/0")


@pytest.mark.parametrize(
    "limits",
    [
        {"max_query_chars": "x"},
        {"max_query_chars": 0},
        {"max_text_chars": -1},
        {"max_text_chars": 2.5},
        {"max_id_chars": True},
        {"max_id_chars": None},
        {"max_id_chars": 257},
    ],
)
def test_limits_reject_bad_values(limits: dict[str, Any]) -> None:
    (field,) = limits
    with pytest.raises(InvalidInputError, match=rf"Limits\({field}="):
        Limits(**limits)


def test_limits_take_values_in_range() -> None:
    limits = Limits(max_query_chars=1, max_text_chars=1, max_id_chars=256)
    assert (limits.max_query_chars, limits.max_text_chars, limits.max_id_chars) == (1, 1, 256)


@pytest.mark.parametrize("method", ["recall", "improve"])
def test_session_ids_are_held_to_the_memory_limit(memory: GraphMemory, method: str) -> None:
    long_id = "s" * (LIMITS.max_id_chars + 1)  # within the stores' 256, beyond the memory's 48
    before = snapshot(memory)
    with pytest.raises(InvalidInputError, match="max_id_chars"):
        if method == "recall":
            memory.recall("Who leads Acme Corp?", session_id=long_id)
        else:
            memory.improve(session_ids=[long_id])
    assert snapshot(memory) == before


def test_a_follow_up_near_the_limit_is_answered(tmp_path: Path) -> None:
    memory = make_memory(tmp_path, limits=Limits(max_query_chars=60))
    memory.remember(SEED)
    first = "Who leads Acme Corp? " + "x" * 30
    memory.recall(first, session_id="f")
    # elliptical: the last question is appended, so the search query exceeds the limit
    result = memory.recall("And " + "y" * 50, session_id="f")
    assert result.search_query.endswith(first) and len(result.search_query) > 60
    assert memory.session_store.read(memory.user.id, "f").end == 4
    with pytest.raises(InvalidInputError, match="max_query_chars"):
        memory.recall("z" * 61, session_id="f")  # the question itself is still held to it
    memory.close()


def test_visualize_takes_a_huge_max_nodes(memory: GraphMemory) -> None:
    target = memory.data_dir.parent / "huge.html"
    written = memory.visualize(str(target), max_nodes=2**64)
    assert written == target and "Acme Corp" in target.read_text(encoding="utf-8")
