"""The ``cognee-langchain`` command line: remember files, recall with a session, improve the graph
from sessions, search, forget, visualize and inspect a memory from the shell.

Every command opens one :class:`~cognee_langchain.memory.GraphMemory` over ``--data-dir`` (and
Redis sessions with ``--redis-url``), runs one library call and prints its result, for people or,
with ``--json``, as one JSON document on stdout. Library errors become one ``error: ...`` line on
stderr and the exit code of :data:`EXIT_CODES`. Heavy modules are imported inside the commands,
so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from cognee_langchain.errors import (
    CogneeLangchainError,
    ExtractionError,
    InvalidInputError,
    NoGraphDataError,
    NoSessionsFoundError,
    PermissionDeniedError,
    SessionStoreUnavailableError,
)

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.language_models import BaseChatModel

    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.pipelines.persist_sessions import PersistSessionsResult

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_DATA_DIR",
    "DEFAULT_LLM_MODEL",
    "EXIT_CODES",
    "build_parser",
    "main",
]

DEFAULT_DATA_DIR = "./.cognee_langchain"
# memory.DEFAULT_DATASET, spelled out: importing memory would make --help slow.
DEFAULT_DATASET = "main_dataset"
DEFAULT_LLM_MODEL = "gpt-4o-mini"
DEFAULT_REDIS_TIMEOUT = 5.0
EXIT_USAGE = 2
EXIT_OTHER = 1
EXIT_INTERRUPTED = 130

#: Exit code per error class, most specific first; any other library error exits with 1.
EXIT_CODES: tuple[tuple[type[CogneeLangchainError], int], ...] = (
    (InvalidInputError, EXIT_USAGE),
    (NoSessionsFoundError, 3),
    (NoGraphDataError, 4),
    (PermissionDeniedError, 5),
    (ExtractionError, 6),
    (SessionStoreUnavailableError, 7),
)

_SEARCH_TYPES = "graph (default: hybrid chunks + entity-graph expansion), chunks, facts, summaries"
_MAX_TEXT_COLUMNS = 200

_EPILOG = """\
chat model:
  Offline by default: extraction is rule-based and recall answers from the retrieved context.
  With OPENAI_API_KEY set, remember / recall / improve use ChatOpenAI with the model
  $COGNEE_LLM_MODEL (default gpt-4o-mini); OPENAI_BASE_URL points it at another endpoint.

exit codes:
  0 ok, 1 other error, 2 usage or invalid input, 3 no sessions found, 4 no graph data,
  5 permission denied, 6 extraction failed, 7 session store unavailable.
  Errors print one line to stderr; --debug adds the traceback.
"""


class Output(NamedTuple):
    """What a command prints: ``data`` with ``--json``, else ``text``."""

    data: object
    text: str


Command = Callable[["GraphMemory", argparse.Namespace], Output]


# -- commands ----------------------------------------------------------------------------------
def _remember(memory: GraphMemory, args: argparse.Namespace) -> Output:
    from langchain_core.documents import Document

    # A Path (not a str) makes a missing file an error instead of text to remember.
    data = [
        Document(page_content=sys.stdin.read(), metadata={"source": "<stdin>"})
        if name == "-"
        else Path(name)
        for name in args.files
    ]
    result = memory.remember(data, dataset=args.dataset, node_set=args.node_set)
    lines = [
        f"Remembered {result.documents_added} new document(s) into dataset {result.dataset!r} "
        f"({result.documents_skipped} already stored): {result.chunks_added} chunk(s), "
        f"{result.entities_added} new entities ({result.entities_merged} merged), "
        f"{result.relations_added} relation(s).",
        *(
            f"  {doc_id}  {name}"
            for doc_id, name in zip(result.document_ids, args.files, strict=True)
        ),
    ]
    return Output(result, "\n".join(lines))


def _recall(memory: GraphMemory, args: argparse.Namespace) -> Output:
    result = memory.recall(
        args.query,
        session_id=args.session,
        dataset=args.dataset,
        search_type=args.search_type,
        top_k=args.top_k,
        node_sets=args.node_sets,
    )
    lines = [result.answer, "", f"Context ({len(result.context)}):"]
    lines.extend(_document_lines(result.context))
    if result.session_id:
        lines.append(f"Session: {result.session_id}")
    return Output(result, "\n".join(lines))


def _improve(memory: GraphMemory, args: argparse.Namespace) -> Output:
    # Never run_in_background here: the process would exit before the run ends.
    result = cast(
        "PersistSessionsResult",
        memory.improve(dataset=args.dataset, session_ids=args.sessions),
    )
    text = (
        f"{result.message} Dataset {result.dataset!r}: {result.documents_added} document(s), "
        f"{result.nodes_added} node(s), {result.edges_added} edge(s) added."
    )
    if result.missing_session_ids:
        text += f"\nNot found: {', '.join(result.missing_session_ids)}"
    return Output(result, text)


def _search(memory: GraphMemory, args: argparse.Namespace) -> Output:
    documents = memory.search(
        args.query,
        dataset=args.dataset,
        search_type=args.search_type,
        top_k=args.top_k,
        node_sets=args.node_sets,
    )
    text = "\n".join(_document_lines(documents)) or "No results."
    return Output(documents, text)


def _forget(memory: GraphMemory, args: argparse.Namespace) -> Output:
    filters = (args.document_id, args.node_set, args.session)
    if all(value is None for value in filters) and not args.all:
        raise InvalidInputError(
            f"forget without --document-id, --node-set or --session removes every document of "
            f"dataset {args.dataset!r}: pass --all to confirm."
        )
    result = memory.forget(
        args.dataset,
        document_id=args.document_id,
        node_set=args.node_set,
        session_id=args.session,
    )
    text = (
        f"Forgot {result.documents_removed} document(s) from dataset {result.dataset!r}: "
        f"{result.chunks_removed} chunk(s), {result.entities_removed} entities, "
        f"{result.relations_removed} relation(s) removed."
    )
    return Output(result, text)


def _visualize(memory: GraphMemory, args: argparse.Namespace) -> Output:
    path = memory.visualize(args.out, dataset=args.dataset, max_nodes=args.max_nodes)
    return Output({"path": str(path)}, f"Wrote {path} (open it in a browser).")


def _stats(memory: GraphMemory, args: argparse.Namespace) -> Output:
    stats = memory.stats(args.dataset)
    totals = {
        "documents": stats.documents,
        "chunks": stats.chunks,
        "entities": stats.entities,
        "relations": stats.relations,
    }
    rows = [("dataset / node set", *totals)]
    for name, counts in sorted(stats.datasets.items()):
        rows.append((name, *_counts(counts)))
        rows.extend(
            (f"  {node_set}", *_counts(sub)) for node_set, sub in sorted(counts.node_sets.items())
        )
    rows.append(("total", *(str(n) for n in totals.values())))
    return Output({**totals, "datasets": stats.datasets}, _table(rows))


def _sessions_list(memory: GraphMemory, args: argparse.Namespace) -> Output:
    infos = memory.session_store.list_sessions(memory.user.id)
    rows = [("session", "messages", "created", "updated")]
    rows.extend(
        (i.session_id, str(i.message_count), _time(i.created_at), _time(i.updated_at))
        for i in infos
    )
    return Output(infos, _table(rows) if infos else "No sessions.")


def _sessions_show(memory: GraphMemory, args: argparse.Namespace) -> Output:
    user_id = memory.user.id
    stored = memory.session_store.read(user_id, args.session_id)
    if stored.end == 0:
        raise NoSessionsFoundError([args.session_id], user_id)
    lines = [
        f"[{item.seq}] {_time(item.timestamp)} {item.message.type}: {_message_text(item.message)}"
        for item in stored.items
    ]
    if stored.start > 0:
        lines.insert(0, f"({stored.start} older message(s) were trimmed)")
    return Output(stored, "\n".join(lines))


def _sessions_clear(memory: GraphMemory, args: argparse.Namespace) -> Output:
    store = memory.session_store
    user_id = memory.user.id
    existing = {info.session_id for info in store.list_sessions(user_id)}
    for session_id in args.session_ids:
        store.delete(user_id, session_id)
    cleared = [s for s in args.session_ids if s in existing]
    missing = [s for s in args.session_ids if s not in existing]
    text = f"Cleared {len(cleared)} session(s)."
    if missing:
        text += f" Not found: {', '.join(missing)}"
    return Output({"cleared": cleared, "missing": missing}, text)


# -- output helpers ----------------------------------------------------------------------------
def _document_lines(documents: Sequence[Document]) -> list[str]:
    lines = []
    for rank, document in enumerate(documents, 1):
        meta = document.metadata
        score = meta.get("score")
        label = " ".join(
            part
            for part in (
                str(meta.get("type") or ""),
                f"{score:.3f}" if isinstance(score, int | float) else "",
            )
            if part
        )
        lines.append(f"{rank:>3}. [{label}] {_one_line(document.page_content)}")
    return lines


def _message_text(message: Any) -> str:
    text = _one_line(message.text)
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        text += " " + " ".join(f"-> {c['name']}({json.dumps(c['args'])})" for c in calls)
    return text


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT_COLUMNS else text[: _MAX_TEXT_COLUMNS - 1] + "…"


def _counts(counts: Any) -> tuple[str, ...]:
    return tuple(
        str(n) for n in (counts.documents, counts.chunks, counts.entities, counts.relations)
    )


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).isoformat(sep=" ", timespec="seconds")


def _jsonable(value: object) -> Any:
    """``value`` as JSON-ready data: dataclasses and pydantic models (``Document``, messages,
    results) become objects of their fields, mappings objects, sequences and sets lists, numpy
    values numbers; anything else its ``str``."""
    from pydantic import BaseModel

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return {name: _jsonable(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    return str(value)


# -- the parser --------------------------------------------------------------------------------
def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """Options accepted before or after the command name.

    They default to SUPPRESS everywhere so that a subcommand's parser never overwrites a value
    given before the command; the real defaults are set once on the top-level parser.
    """
    group = parser.add_argument_group("global options")
    suppress = argparse.SUPPRESS
    group.add_argument(
        "--data-dir",
        default=suppress,
        metavar="DIR",
        help=f"where the embedded graph and session stores live (default: {DEFAULT_DATA_DIR})",
    )
    group.add_argument(
        "--redis-url",
        default=suppress,
        metavar="URL",
        help="cache sessions in Redis at URL (redis://[:password@]host:port/db) instead of "
        "SQLite in the data dir",
    )
    group.add_argument(
        "--redis-timeout",
        default=suppress,
        type=float,
        metavar="SECONDS",
        help=f"Redis connect / operation timeout (default: {DEFAULT_REDIS_TIMEOUT:g})",
    )
    group.add_argument(
        "--user", default=suppress, metavar="USER_ID", help="act as this user (default user)"
    )
    group.add_argument(
        "--json", default=suppress, action="store_true", help="print the result as JSON on stdout"
    )
    group.add_argument(
        "--debug",
        default=suppress,
        action="store_true",
        help="print tracebacks of errors and INFO logs",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cognee-langchain``."""
    from cognee_langchain import __version__

    parser = argparse.ArgumentParser(
        prog="cognee-langchain",
        description="Graph memory for LangChain agents: remember documents, recall with chat "
        "sessions, persist sessions into the knowledge graph, search it.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser)
    parser.set_defaults(
        data_dir=DEFAULT_DATA_DIR,
        redis_url=None,
        redis_timeout=DEFAULT_REDIS_TIMEOUT,
        user=None,
        json=False,
        debug=False,
        uses_llm=False,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: Command,
        text: str,
        *,
        uses_llm: bool = False,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=text, description=text)
        _add_global_options(sub)
        sub.set_defaults(handler=handler, uses_llm=uses_llm)
        return sub

    def dataset_option(sub: argparse.ArgumentParser, many: bool) -> None:
        if many:
            sub.add_argument(
                "--dataset",
                action="append",
                metavar="D",
                help="dataset to read (repeatable; default: every dataset you may read)",
            )
        else:
            sub.add_argument(
                "--dataset", default=DEFAULT_DATASET, help=f"dataset (default: {DEFAULT_DATASET})"
            )

    def search_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("query", help="a question or a few keywords")
        dataset_option(sub, many=True)
        sub.add_argument("--search-type", default="graph", metavar="T", help=_SEARCH_TYPES)
        sub.add_argument(
            "--top-k", type=int, default=8, metavar="K", help="results to use (default: 8)"
        )
        sub.add_argument(
            "--node-set",
            dest="node_sets",
            action="extend",
            nargs="+",
            metavar="N",
            help="only memories of these node sets",
        )

    sub = command(
        commands, "remember", _remember, "add .txt / .md files to the graph", uses_llm=True
    )
    sub.add_argument("files", nargs="+", metavar="FILE", help="a .txt or .md file; - for stdin")
    dataset_option(sub, many=False)
    sub.add_argument("--node-set", metavar="N", help="tag what is added with this node set")

    sub = command(
        commands,
        "recall",
        _recall,
        "answer a question from memory, recording the Q&A in a session",
        uses_llm=True,
    )
    search_options(sub)
    sub.add_argument("--session", metavar="ID", help="session to record the Q&A in")

    sub = command(
        commands,
        "improve",
        _improve,
        "persist the Q&A of sessions into a dataset's graph",
        uses_llm=True,
    )
    sub.add_argument(
        "--session",
        dest="sessions",
        action="extend",
        nargs="+",
        required=True,
        metavar="ID",
        help="session(s) to persist",
    )
    dataset_option(sub, many=False)

    sub = command(commands, "search", _search, "search the graph; prints the retrieved context")
    search_options(sub)

    sub = command(commands, "forget", _forget, "remove documents and what only they support")
    sub.add_argument("--dataset", required=True, help="dataset to forget from")
    sub.add_argument("--document-id", metavar="X", help="a document id printed by remember")
    sub.add_argument("--node-set", metavar="N", help="only documents of this node set")
    sub.add_argument("--session", metavar="ID", help="only documents persisted from this session")
    sub.add_argument(
        "--all", action="store_true", help="with no other filter: forget the whole dataset"
    )

    sub = command(commands, "visualize", _visualize, "write an interactive HTML view of the graph")
    sub.add_argument("out", help="HTML file to write, e.g. graph.html")
    dataset_option(sub, many=True)
    sub.add_argument(
        "--max-nodes", type=int, default=2000, help="best-connected entities shown (default: 2000)"
    )

    sub = command(commands, "stats", _stats, "count documents, chunks, entities and relations")
    dataset_option(sub, many=True)

    sessions = commands.add_parser(
        "sessions", help="list, show or clear cached chat sessions", description="chat sessions"
    )
    _add_global_options(sessions)
    actions = sessions.add_subparsers(title="actions", metavar="ACTION", required=True)
    command(actions, "list", _sessions_list, "your sessions, most recently updated first")
    sub = command(actions, "show", _sessions_show, "print a session's messages")
    sub.add_argument("session_id", metavar="ID")
    sub = command(actions, "clear", _sessions_clear, "delete sessions from the cache")
    sub.add_argument("session_ids", nargs="+", metavar="ID")
    return parser


# -- running -----------------------------------------------------------------------------------
def _chat_model() -> BaseChatModel | None:
    """``ChatOpenAI`` when ``OPENAI_API_KEY`` is set, else ``None`` (offline)."""
    if not os.environ.get("OPENAI_API_KEY"):
        return None
    from langchain_openai import ChatOpenAI

    # The extractor retries transient failures itself; SDK retries would multiply its calls.
    return ChatOpenAI(model=os.environ.get("COGNEE_LLM_MODEL") or DEFAULT_LLM_MODEL, max_retries=0)


def _run(args: argparse.Namespace) -> Output:
    from cognee_langchain.memory import GraphMemory
    from cognee_langchain.users import User

    handler: Command = args.handler
    with contextlib.ExitStack() as stack:
        session_store = None
        if args.redis_url is not None:
            from cognee_langchain.sessions.redis import RedisSessionStore

            session_store = RedisSessionStore(
                args.redis_url,
                socket_timeout=args.redis_timeout,
                socket_connect_timeout=args.redis_timeout,
            )
            stack.callback(session_store.close)
        memory = GraphMemory(
            args.data_dir,
            llm=_chat_model() if args.uses_llm else None,
            session_store=session_store,
            user=None if args.user is None else User(id=args.user),
        )
        stack.callback(memory.close)
        return handler(memory, args)


def _exit_code(exc: CogneeLangchainError) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), EXIT_OTHER)


def _cli_hint(exc: CogneeLangchainError) -> str:
    """The shell form of the fix the library's message gives as a Python call."""
    if isinstance(exc, NoSessionsFoundError) and exc.session_ids:
        return f' From the shell: cognee-langchain recall "QUESTION" --session {exc.session_ids[0]}'
    if isinstance(exc, NoGraphDataError):
        return f" From the shell: cognee-langchain remember FILE --dataset {exc.dataset}"
    if isinstance(exc, SessionStoreUnavailableError):
        return " From the shell: check --redis-url, or raise --redis-timeout."
    return ""


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    sys.stderr.write(f"error: {' '.join(message.split())}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    # Before any library import: wordllama calls logging.basicConfig(level=INFO) on import,
    # which would print every INFO record (HTTP requests...) of every library to stderr.
    logging.basicConfig(
        level=logging.INFO if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        output = _run(args)
        rendered = (
            json.dumps(_jsonable(output.data), indent=2, ensure_ascii=False)
            if args.json
            else output.text
        )
        sys.stdout.write(rendered + "\n")
        sys.stdout.flush()
    except CogneeLangchainError as exc:
        _fail(f"{exc}{_cli_hint(exc)}", args.debug)
        return _exit_code(exc)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) left: silence the flush at exit, which would fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OTHER
    except Exception as exc:
        _fail(
            f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", args.debug
        )
        return EXIT_OTHER
    return 0
