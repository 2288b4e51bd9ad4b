"""The argument parser of ``cognee-langchain``: its commands, their options and their defaults."""

from __future__ import annotations

import argparse

import cognee_langchain.cli.commands as commands
from cognee_langchain.cli.commands import Command
from cognee_langchain.core import settings
from cognee_langchain.core.defaults import DEFAULT_DATASET, DEFAULT_SEARCH_TYPE, DEFAULT_TOP_K
from cognee_langchain.core.settings import DEFAULT_REDIS_TIMEOUT, ENV_PREFIX

__all__ = ["DEFAULT_DATA_DIR", "DEFAULT_REDIS_TIMEOUT", "build_parser"]

DEFAULT_DATA_DIR = f"./{settings.DEFAULT_DATA_DIR}"

_SEARCH_TYPES = (
    f"{DEFAULT_SEARCH_TYPE} (default: hybrid chunks + entity-graph expansion), chunks, facts, "
    "summaries, temporal (events of the question's time window, oldest first)"
)

_EPILOG = f"""\
configuration:
  Every option of a memory can also come from an environment variable {ENV_PREFIX}<NAME>
  ({ENV_PREFIX}DATA_DIR, ..._SESSION_STORE, ..._SESSION_NAMESPACE, ..._LLM_MODEL,
  ..._LLM_TIMEOUT, ...); a flag wins over the environment, which wins over the defaults.

chat model:
  Offline by default: extraction is rule-based and recall answers from the retrieved context.
  With OPENAI_API_KEY set, remember / recall / improve use ChatOpenAI with the model
  ${ENV_PREFIX}LLM_MODEL (or the deprecated $COGNEE_LLM_MODEL; default gpt-4o-mini);
  OPENAI_BASE_URL points it at another endpoint.

exit codes:
  0 ok, 1 other error, 2 usage or invalid input, 3 no sessions found, 4 no graph data,
  5 permission denied, 6 extraction failed, 7 session store unavailable,
  8 session write unconfirmed (it may have been applied), 9 graph store busy (retry),
  10 graph store unavailable (read-only, disk full), 11 graph store corrupted,
  12 write conflict (retry), 13 session store refused (apply the fix it names).
  Errors print one line to stderr; --debug adds the traceback.
"""


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
        help="where the embedded graph and session stores live (default: "
        f"${ENV_PREFIX}DATA_DIR, else {DEFAULT_DATA_DIR})",
    )
    group.add_argument(
        "--graph-store",
        default=suppress,
        metavar="LOCATION",
        help="keep the graph in PostgreSQL (postgresql://user:password@host:5432/db) or in "
        f"this SQLite file, instead of the data dir's (default: ${ENV_PREFIX}GRAPH_STORE)",
    )
    group.add_argument(
        "--session-store",
        default=suppress,
        metavar="LOCATION",
        help="cache sessions in Redis (redis://[:password@]host:port/db), PostgreSQL "
        "(postgresql://...) or this SQLite file instead of the data dir's (default: "
        f"${ENV_PREFIX}SESSION_STORE); a server keeps them under a namespace of this memory's "
        f"graph (${ENV_PREFIX}SESSION_NAMESPACE to share one)",
    )
    group.add_argument(
        "--redis-url",
        default=suppress,
        metavar="URL",
        help="cache sessions in Redis at URL (the same as --session-store with a Redis URL)",
    )
    group.add_argument(
        "--redis-timeout",
        default=suppress,
        type=float,
        metavar="SECONDS",
        help=f"Redis connect / operation timeout (default: ${ENV_PREFIX}REDIS_TIMEOUT, else "
        f"{DEFAULT_REDIS_TIMEOUT:g})",
    )
    group.add_argument(
        "--user",
        default=suppress,
        metavar="USER_ID",
        help=f"act as this user (default: ${ENV_PREFIX}USER, else the default user)",
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


def _command(
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


def _dataset_option(sub: argparse.ArgumentParser, many: bool) -> None:
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


def _search_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("query", help="a question or a few keywords")
    _dataset_option(sub, many=True)
    sub.add_argument("--search-type", default=DEFAULT_SEARCH_TYPE, metavar="T", help=_SEARCH_TYPES)
    sub.add_argument(
        "--top-k",
        type=int,
        default=DEFAULT_TOP_K,
        metavar="K",
        help=f"results to use (default: {DEFAULT_TOP_K})",
    )
    sub.add_argument(
        "--node-set",
        dest="node_sets",
        action="extend",
        nargs="+",
        metavar="N",
        help="only memories of these node sets",
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
    # None: not given, so the environment or the default applies (core.settings).
    parser.set_defaults(
        data_dir=None,
        graph_store=None,
        session_store=None,
        redis_url=None,
        redis_timeout=None,
        user=None,
        json=False,
        debug=False,
        uses_llm=False,
    )
    group = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    sub = _command(
        group, "remember", commands.remember, "add .txt / .md files to the graph", uses_llm=True
    )
    sub.add_argument("files", nargs="+", metavar="FILE", help="a .txt or .md file; - for stdin")
    _dataset_option(sub, many=False)
    sub.add_argument("--node-set", metavar="N", help="tag what is added with this node set")

    sub = _command(
        group,
        "recall",
        commands.recall,
        "answer a question from memory, recording the Q&A in a session",
        uses_llm=True,
    )
    _search_options(sub)
    sub.add_argument("--session", metavar="ID", help="session to record the Q&A in")

    sub = _command(
        group,
        "improve",
        commands.improve,
        "persist the Q&A of sessions into a dataset's graph",
        uses_llm=True,
    )
    sub.add_argument(
        "--session",
        dest="sessions",
        action="extend",
        nargs="+",
        metavar="ID",
        help="session(s) to persist (default: every session of yours)",
    )
    sub.add_argument(
        "--create-dataset",
        action="store_true",
        help="start a dataset with no graph yet from the sessions alone (a chat-only agent)",
    )
    _dataset_option(sub, many=False)

    sub = _command(
        group, "search", commands.search, "search the graph; prints the retrieved context"
    )
    _search_options(sub)

    sub = _command(
        group,
        "history",
        commands.history,
        "every version of what a dataset knows about a subject, with when each was true",
    )
    sub.add_argument("subject", help="an entity name, e.g. Alice")
    sub.add_argument(
        "--relation", metavar="KIND", help="only this relation kind, e.g. lives_in or works_at"
    )
    _dataset_option(sub, many=False)

    sub = _command(group, "forget", commands.forget, "remove documents and what only they support")
    sub.add_argument("--dataset", required=True, help="dataset to forget from")
    sub.add_argument("--document-id", metavar="X", help="a document id printed by remember")
    sub.add_argument("--node-set", metavar="N", help="only documents of this node set")
    sub.add_argument("--session", metavar="ID", help="only documents persisted from this session")
    sub.add_argument(
        "--all", action="store_true", help="with no other filter: forget the whole dataset"
    )

    sub = _command(
        group, "visualize", commands.visualize, "write an interactive HTML view of the graph"
    )
    sub.add_argument("out", help="HTML file to write, e.g. graph.html")
    _dataset_option(sub, many=True)
    sub.add_argument(
        "--max-nodes", type=int, default=2000, help="best-connected entities shown (default: 2000)"
    )

    sub = _command(
        group, "stats", commands.stats, "count documents, chunks, entities and relations"
    )
    _dataset_option(sub, many=True)

    sub = _command(
        group,
        "export",
        commands.export_dataset,
        "write a dataset as JSON Lines: a backup, a move to another store, a look inside",
    )
    sub.add_argument("dataset", metavar="DATASET", help="the dataset to export")
    sub.add_argument(
        "-o", "--out", default="-", metavar="FILE", help="file to write; - for stdout (default)"
    )
    sub.add_argument(
        "--vectors",
        action="store_true",
        help="include the embedding vectors (a larger file; import then embeds nothing)",
    )

    sub = _command(
        group,
        "import",
        commands.import_dataset,
        "import an export into the dataset it names, all or nothing",
    )
    sub.add_argument("file", metavar="FILE", help="a file written by export; - for stdin")
    sub.add_argument(
        "--merge", action="store_true", help="add to a dataset that already holds documents"
    )
    sub.add_argument(
        "--recompute-vectors",
        action="store_true",
        help="embed with this memory's model instead of using the file's vectors",
    )

    sub = _command(
        group,
        "migrate",
        commands.migrate,
        "copy this memory's graph into another graph store (PostgreSQL, say), a transaction per "
        "dataset, counts checked",
    )
    sub.add_argument(
        "--to",
        required=True,
        metavar="LOCATION",
        help="the target: postgresql://user:password@host:5432/db or a SQLite file",
    )
    sub.add_argument(
        "--dataset",
        action="append",
        metavar="D",
        help="dataset to copy (repeatable; default: every dataset)",
    )
    sub.add_argument(
        "--merge", action="store_true", help="add to datasets the target already holds documents of"
    )

    sessions = group.add_parser(
        "sessions", help="list, show or clear cached chat sessions", description="chat sessions"
    )
    _add_global_options(sessions)
    actions = sessions.add_subparsers(title="actions", metavar="ACTION", required=True)
    _command(actions, "list", commands.sessions_list, "your sessions, most recently updated first")
    sub = _command(actions, "show", commands.sessions_show, "print a session's messages")
    sub.add_argument("session_id", metavar="ID")
    sub = _command(actions, "clear", commands.sessions_clear, "delete sessions from the cache")
    sub.add_argument("session_ids", nargs="+", metavar="ID")
    return parser
