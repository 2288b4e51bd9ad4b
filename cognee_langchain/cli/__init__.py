"""The ``cognee-langchain`` command line: remember files, recall with a session, improve the graph
from sessions, search, forget, visualize, export, import and inspect a memory from the
shell.

Every command opens one :class:`~cognee_langchain.memory.GraphMemory` over ``--data-dir`` (and
Redis sessions with ``--redis-url``; flags win over the ``COGNEE_LANGCHAIN_*`` environment
variables of :mod:`cognee_langchain.core.settings`, which win over the defaults), runs one
library call and prints its result, for people or, with ``--json``, as one JSON document on
stdout. Library errors become one ``error: ...`` line on stderr and the exit code of
:data:`EXIT_CODES`; so does bad shell input (arguments or stdin that are not UTF-8, a
``--data-dir`` that is a file or cannot be written, a bad ``COGNEE_LANGCHAIN_*`` variable),
checked before any memory opens. Heavy modules are imported inside the commands, so ``--help``
answers at once.

The parts: :mod:`~cognee_langchain.cli.parser` (commands and options),
:mod:`~cognee_langchain.cli.commands` (what each command does),
:mod:`~cognee_langchain.cli.inputs` (what the shell hands over, checked),
:mod:`~cognee_langchain.cli.render` (how results print) and :mod:`~cognee_langchain.cli.exits`
(what an error becomes); this module runs them.
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
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from cognee_langchain.cli.commands import Command, Output
from cognee_langchain.cli.exits import (
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_OTHER,
    EXIT_USAGE,
    exit_code,
    shell_hint,
)
from cognee_langchain.cli.inputs import check_argv, check_data_dir
from cognee_langchain.cli.parser import DEFAULT_DATA_DIR, build_parser
from cognee_langchain.cli.render import jsonable
from cognee_langchain.core.defaults import DEFAULT_DATASET
from cognee_langchain.core.redaction import redact_text, redact_url
from cognee_langchain.core.settings import ENV_PREFIX, REDIS_SCHEMES, Settings
from cognee_langchain.errors import CogneeLangchainError, InvalidInputError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_DATA_DIR",
    "DEFAULT_LLM_MODEL",
    "EXIT_CODES",
    "build_parser",
    "main",
]

DEFAULT_LLM_MODEL = "gpt-4o-mini"


#: The 0.1 name of ``COGNEE_LANGCHAIN_LLM_MODEL``, still read by the command line (deprecated).
LEGACY_LLM_MODEL_VARIABLE = "COGNEE_LLM_MODEL"


def _chat_model(settings: Settings) -> BaseChatModel | None:
    """The settings' chat model (``COGNEE_LANGCHAIN_LLM_MODEL``, which needs ``OPENAI_API_KEY``);
    else, when ``OPENAI_API_KEY`` is set, ``ChatOpenAI`` with the model of the deprecated
    ``COGNEE_LLM_MODEL`` or :data:`DEFAULT_LLM_MODEL`: a shell user has no other way to choose
    one. Else ``None`` (offline)."""
    if settings.llm_model is None and os.environ.get("OPENAI_API_KEY", "").strip():
        legacy = os.environ.get(LEGACY_LLM_MODEL_VARIABLE, "").strip()
        if legacy:
            _write(
                sys.stderr,
                f"warning: {LEGACY_LLM_MODEL_VARIABLE} is deprecated and will be ignored from "
                f"0.3: set {ENV_PREFIX}LLM_MODEL instead.\n",
            )
        settings = settings.replace(llm_model=legacy or DEFAULT_LLM_MODEL)
    return settings.chat_model()


def _settings(args: argparse.Namespace) -> Settings:
    """The memory's settings: flags, else ``COGNEE_LANGCHAIN_*`` variables, else defaults."""
    if args.redis_url is not None and not args.redis_url.strip().lower().startswith(REDIS_SCHEMES):
        raise InvalidInputError(
            f"--redis-url {redact_url(args.redis_url)!r} is not a Redis URL: use "
            "redis://[:password@]host:port/db, rediss://... (TLS) or unix:///path/to/socket."
        )
    if args.redis_url is not None and args.session_store is not None:
        raise InvalidInputError(
            "--redis-url and --session-store both name the session store: pass one of them."
        )
    settings = Settings.from_env(
        session_store=args.session_store if args.redis_url is None else args.redis_url,
        graph_store=args.graph_store,
        redis_timeout=args.redis_timeout,
        user=args.user,
    )
    # The data dir gets the CLI's own check (a file, a folder it cannot write...).
    data_dir = args.data_dir if args.data_dir is not None else str(settings.data_dir)
    settings = settings.replace(data_dir=check_data_dir(data_dir))
    if not args.uses_llm:  # a command that calls no model builds none (nor needs a key)
        settings = dataclasses.replace(settings, llm_model=None)
    return settings


def _run(args: argparse.Namespace) -> Output:
    from cognee_langchain.memory import GraphMemory

    handler: Command = args.handler
    settings = _settings(args)
    with contextlib.ExitStack() as stack:
        memory = GraphMemory(
            llm=_chat_model(settings) if args.uses_llm else None, settings=settings
        )
        stack.callback(memory.close)
        return handler(memory, args)


def _write(stream: TextIO, text: str) -> None:
    """Write ``text``; characters the stream's encoding lacks (an ASCII terminal) are escaped
    rather than failing the command after its work is done."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    # No secret in any output: a URL's password (userinfo or query string) is redacted.
    _write(sys.stderr, f"error: {' '.join(redact_text(message).split())}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        check_argv(argv)
    except CogneeLangchainError as exc:
        _fail(str(exc), debug=False)
        return exit_code(exc)
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
            json.dumps(jsonable(output.data), indent=2, ensure_ascii=False)
            if args.json
            else output.text
        )
        _write(sys.stderr if output.to_stderr else sys.stdout, rendered + "\n")
        sys.stdout.flush()
    except CogneeLangchainError as exc:
        _fail(f"{exc}{shell_hint(exc)}", args.debug)
        return exit_code(exc)
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
