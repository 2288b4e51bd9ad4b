"""The commands of ``cognee-langchain``: each runs one library call on an open memory and says
what to print.

Heavy modules are imported inside the commands, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cognee_langchain.cli.inputs import read_stdin
from cognee_langchain.cli.render import (
    counts,
    document_lines,
    history_lines,
    message_text,
    table,
    timestamp,
)
from cognee_langchain.core.redaction import redact_url
from cognee_langchain.errors import InvalidInputError, NoSessionsFoundError

if TYPE_CHECKING:
    from cognee_langchain.memory import GraphMemory

__all__ = [
    "Command",
    "Output",
    "export_dataset",
    "forget",
    "history",
    "import_dataset",
    "improve",
    "recall",
    "remember",
    "search",
    "sessions_clear",
    "sessions_list",
    "sessions_show",
    "stats",
    "visualize",
]


class Output(NamedTuple):
    """What a command prints: ``data`` with ``--json``, else ``text``; on stderr when
    ``to_stderr`` (stdout carries the command's own output, e.g. an export to ``-``)."""

    data: object
    text: str
    to_stderr: bool = False


Command = Callable[["GraphMemory", argparse.Namespace], Output]


def remember(memory: GraphMemory, args: argparse.Namespace) -> Output:
    from langchain_core.documents import Document

    # A Path (not a str) makes a missing file an error instead of text to remember.
    data = [
        Document(page_content=read_stdin(), metadata={"source": "<stdin>"})
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


def recall(memory: GraphMemory, args: argparse.Namespace) -> Output:
    result = memory.recall(
        args.query,
        session_id=args.session,
        datasets=args.dataset,
        search_type=args.search_type,
        top_k=args.top_k,
        node_sets=args.node_sets,
    )
    lines = [result.answer, "", f"Context ({len(result.context)}):"]
    lines.extend(document_lines(result.context))
    if result.session_id:
        lines.append(f"Session: {result.session_id}")
    return Output(result, "\n".join(lines))


def improve(memory: GraphMemory, args: argparse.Namespace) -> Output:
    # Never run_in_background here: the process would exit before the run ends.
    result = memory.improve(
        dataset=args.dataset, session_ids=args.sessions, create_dataset=args.create_dataset
    )
    text = (
        f"{result.message} Dataset {result.dataset!r}: {result.documents_added} document(s), "
        f"{result.nodes_added} node(s), {result.edges_added} edge(s) added."
    )
    if result.missing_session_ids:
        text += f"\nNot found: {', '.join(result.missing_session_ids)}"
    return Output(result, text)


def search(memory: GraphMemory, args: argparse.Namespace) -> Output:
    documents = memory.search(
        args.query,
        datasets=args.dataset,
        search_type=args.search_type,
        top_k=args.top_k,
        node_sets=args.node_sets,
    )
    text = "\n".join(document_lines(documents)) or "No results."
    return Output(documents, text)


def forget(memory: GraphMemory, args: argparse.Namespace) -> Output:
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
        all=all(value is None for value in filters),  # --all confirmed it above
    )
    text = (
        f"Forgot {result.documents_removed} document(s) from dataset {result.dataset!r}: "
        f"{result.chunks_removed} chunk(s), {result.entities_removed} entities, "
        f"{result.relations_removed} relation(s) removed."
    )
    return Output(result, text)


def history(memory: GraphMemory, args: argparse.Namespace) -> Output:
    versions = memory.history(args.subject, args.relation, dataset=args.dataset)
    if not versions:
        return Output(versions, f"Nothing known about {args.subject!r} in {args.dataset!r}.")
    return Output(versions, "\n".join(history_lines(versions)))


def visualize(memory: GraphMemory, args: argparse.Namespace) -> Output:
    path = memory.visualize(args.out, datasets=args.dataset, max_nodes=args.max_nodes)
    return Output({"path": str(path)}, f"Wrote {path} (open it in a browser).")


def export_dataset(memory: GraphMemory, args: argparse.Namespace) -> Output:
    to_stdout = args.out == "-"
    if to_stdout:
        sys.stdout.flush()
    # The bytes of the export, whatever the terminal's encoding.
    out = getattr(sys.stdout, "buffer", sys.stdout) if to_stdout else Path(args.out)
    result = memory.export_dataset(args.dataset, out, include_vectors=args.vectors)
    c = result.counts
    text = (
        f"Exported dataset {result.dataset!r} to {'stdout' if to_stdout else result.path}: "
        f"{c['document']} document(s), {c['chunk']} chunk(s), {c['entity']} entities, "
        f"{c['relation']} relation(s), {c['entity_mention'] + c['relation_mention']} "
        f"mention(s), {c['claim']} claim(s){', with vectors' if result.vectors else ''}."
    )
    return Output(result, text, to_stderr=to_stdout)


def migrate(memory: GraphMemory, args: argparse.Namespace) -> Output:
    from cognee_langchain.core.settings import check_graph_location
    from cognee_langchain.services.migration import migrate_graph

    target = check_graph_location(args.to, "--to")
    moves = migrate_graph(memory.graph_store, target, datasets=args.dataset, merge=args.merge)
    lines = [
        f"Copied dataset {m.dataset!r}: {m.documents} document(s), {m.chunks} chunk(s), "
        f"{m.entities} entities, {m.relations} relation(s), {m.items} item(s)."
        for m in moves
    ]
    where = redact_url(target) if isinstance(target, str) else str(target)
    lines.append(f"{len(moves)} dataset(s) now in {where}; this memory's graph is unchanged.")
    return Output(moves, "\n".join(lines))


def import_dataset(memory: GraphMemory, args: argparse.Namespace) -> Output:
    source = getattr(sys.stdin, "buffer", sys.stdin) if args.file == "-" else Path(args.file)
    result = memory.import_dataset(
        source,
        on_conflict="merge" if args.merge else "error",
        recompute_vectors=args.recompute_vectors,
    )
    text = (
        f"Imported into dataset {result.dataset!r}: {result.documents_added} document(s), "
        f"{result.chunks_added} chunk(s), {result.entities_added} entities, "
        f"{result.relations_added} relation(s) added; vectors {result.vectors}."
    )
    return Output(result, text)


def stats(memory: GraphMemory, args: argparse.Namespace) -> Output:
    found = memory.stats(args.dataset)
    totals = {
        "documents": found.documents,
        "chunks": found.chunks,
        "entities": found.entities,
        "relations": found.relations,
    }
    rows = [("dataset / node set", *totals)]
    for name, per_dataset in sorted(found.datasets.items()):
        rows.append((name, *counts(per_dataset)))
        rows.extend(
            (f"  {node_set}", *counts(sub))
            for node_set, sub in sorted(per_dataset.node_sets.items())
        )
    rows.append(("total", *(str(n) for n in totals.values())))
    return Output({**totals, "datasets": found.datasets}, table(rows))


def sessions_list(memory: GraphMemory, args: argparse.Namespace) -> Output:
    infos = memory.session_store.list_sessions(memory.user.id)
    rows = [("session", "messages", "created", "updated")]
    rows.extend(
        (i.session_id, str(i.message_count), timestamp(i.created_at), timestamp(i.updated_at))
        for i in infos
    )
    return Output(infos, table(rows) if infos else "No sessions.")


def sessions_show(memory: GraphMemory, args: argparse.Namespace) -> Output:
    user_id = memory.user.id
    stored = memory.session_store.read(user_id, args.session_id)
    if stored.end == 0:
        raise NoSessionsFoundError([args.session_id], user_id)
    lines = [
        f"[{item.seq}] {timestamp(item.timestamp)} {item.message.type}: "
        f"{message_text(item.message)}"
        for item in stored.items
    ]
    if stored.start > 0:
        lines.insert(0, f"({stored.start} older message(s) were trimmed)")
    return Output(stored, "\n".join(lines))


def sessions_clear(memory: GraphMemory, args: argparse.Namespace) -> Output:
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
