"""``Settings``: every knob of a memory, from code or from ``COGNEE_LANGCHAIN_*`` environment
variables, read and checked in this one place.

Each field has one variable, named ``COGNEE_LANGCHAIN_`` + the field in capitals
(``llm_timeout`` -> ``COGNEE_LANGCHAIN_LLM_TIMEOUT``). Precedence, the same for the library and the
command line: an argument given in code (``GraphMemory(llm_timeout=5)``, a CLI flag) wins over the
environment, which wins over the defaults. A variable set to an empty or blank string counts as
unset (``VAR= command`` is how a shell unsets one). A value that cannot be used, and a
``COGNEE_LANGCHAIN_*`` variable that names no setting (a typo would otherwise be ignored), raise
:class:`~cognee_langchain.errors.InvalidInputError` naming the variable and an example value.

The chat model stays offline unless asked for: ``COGNEE_LANGCHAIN_LLM_MODEL`` (or
``Settings(llm_model=...)``) names an OpenAI model, built as ``ChatOpenAI`` with the key in
``OPENAI_API_KEY`` (``OPENAI_BASE_URL`` for another endpoint); a model named without a key is an
error rather than a silent fall back to offline. An ``OPENAI_API_KEY`` alone does not switch the
library to a paid model (the command line, which has no other way to choose, does).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cognee_langchain.core.defaults import DEFAULT_LLM_TIMEOUT, Limits
from cognee_langchain.core.postgres_urls import check_postgres_url, is_postgres_url
from cognee_langchain.core.redaction import redact_url
from cognee_langchain.core.redis_urls import check_redis_url
from cognee_langchain.errors import InvalidInputError
from cognee_langchain.ids import MAX_ID_LENGTH, check_unicode, validate_id

if TYPE_CHECKING:
    from types import ModuleType

    from langchain_core.language_models import BaseChatModel

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_REDIS_TIMEOUT",
    "ENV_PREFIX",
    "REDIS_SCHEMES",
    "Settings",
    "check_graph_location",
    "check_session_location",
]

#: What every environment variable of the package starts with.
ENV_PREFIX = "COGNEE_LANGCHAIN_"
#: Where the embedded stores live when nobody says (relative to the working directory).
DEFAULT_DATA_DIR = Path(".cognee_langchain")
#: Seconds a Redis connection attempt or operation may take.
DEFAULT_REDIS_TIMEOUT = 5.0
#: URL schemes that make a session store location Redis (a server, or a cluster:
#: ``redis+cluster://``, see :mod:`cognee_langchain.core.redis_urls`) rather than a SQLite file.
REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://")
# Limits' defaults, read without building one (its check would import core.validation).
_LIMIT_DEFAULTS: dict[str, int] = {f.name: f.default for f in dataclasses.fields(Limits)}  # type: ignore[misc]


def _checks() -> ModuleType:
    """:mod:`cognee_langchain.core.validation`, imported on first use: it loads pydantic (via
    ``users``), which importing this module's constants (the CLI's ``--help``) must not."""
    from cognee_langchain.core import validation

    return validation


def _refuse_other_urls(value: object, name: str, takes: str) -> None:
    """A URL of a scheme the store cannot use is an error, not a strangely named file."""
    if isinstance(value, str) and re.match(r"\s*[A-Za-z][A-Za-z0-9+.\-]*://", value):
        raise InvalidInputError(
            f"{name} {redact_url(value.strip())[:80]!r} is a URL of a kind it cannot use: pass "
            f"{takes} or a SQLite file path."
        )


def check_session_location(value: object, name: str) -> str | Path:
    """A session store location: a Redis or PostgreSQL URL (kept as a str) or a SQLite file
    path."""
    if is_postgres_url(value):
        return check_postgres_url(value, name)
    if isinstance(value, str) and value.strip().lower().startswith(REDIS_SCHEMES):
        if "\x00" in value:
            raise InvalidInputError(
                f"{name} URL contains a NUL character: pass a Redis URL such as "
                "'redis://host:6379/0'."
            )
        url = check_unicode(value.strip(), f"{name} URL")
        return check_redis_url(url, f"{name} URL")
    _refuse_other_urls(
        value, name, "a Redis URL ('redis://host:6379/0'), a PostgreSQL URL ('postgresql://...')"
    )
    if isinstance(value, str | os.PathLike) and str(value).strip():
        return _checks().check_path(value, name, example="./sessions.sqlite")
    raise InvalidInputError(
        f"{name} must be a Redis URL ('redis://host:6379/0'), a PostgreSQL URL "
        f"('postgresql://host:5432/dbname') or a SQLite file path, got "
        f"{type(value).__name__} {redact_url(value)[:60]!r}."
    )


def check_graph_location(value: object, name: str) -> str | Path:
    """A graph store location: a PostgreSQL URL (kept as a str) or a SQLite file path."""
    if is_postgres_url(value):
        return check_postgres_url(value, name)
    _refuse_other_urls(value, name, "a PostgreSQL URL ('postgresql://host:5432/dbname')")
    if isinstance(value, str) and value.strip() == ":memory:":
        raise InvalidInputError(
            f"{name}=':memory:' would lose the graph when the memory closes: pass a file path (a "
            "temporary directory for throw-away graphs) or a GraphStore."
        )
    return _checks().check_path(value, name, example="./graph.sqlite")


def _seconds(value: object, name: str) -> float:
    seconds = _checks().check_number(value, name, exclusive=True)
    if not math.isfinite(seconds):
        raise InvalidInputError(f"{name} must be a finite number of seconds, got {value!r}.")
    return seconds


def _id_limit(value: object, name: str) -> int:
    limit = _checks().check_int(value, name, 1)
    if limit > MAX_ID_LENGTH:
        raise InvalidInputError(
            f"{name} is at most {MAX_ID_LENGTH} (the stores' key limit), got {limit}."
        )
    return limit


def _check_field(name: str, value: object) -> object:
    """``value`` of the field ``name``, checked (``None`` stands for the default)."""
    if value is None and name in _OPTIONAL:
        return None
    check, _, _ = _FIELDS[name]
    return check(value, name)


# field -> (check of a typed value, how a variable's text becomes one, example of the variable)
_FIELDS: dict[str, tuple[Callable[[Any, str], object], Callable[[str], object], str]] = {
    "data_dir": (lambda v, n: _checks().check_path(v, n, example="./memory"), str, "./memory"),
    "session_store": (check_session_location, str, "redis://127.0.0.1:6379/0"),
    "session_namespace": (validate_id, str, "my_project"),
    "session_ttl": (_seconds, float, "604800"),
    "session_max_messages": (lambda v, n: _checks().check_int(v, n, 1), int, "500"),
    "redis_timeout": (_seconds, float, "5"),
    "graph_store": (check_graph_location, str, "postgresql://host:5432/dbname"),
    "llm_model": (validate_id, str, "gpt-4o-mini"),
    "llm_timeout": (_seconds, float, "30"),
    "max_query_chars": (
        lambda v, n: _checks().check_int(v, n, 1),
        int,
        str(_LIMIT_DEFAULTS["max_query_chars"]),
    ),
    "max_text_chars": (
        lambda v, n: _checks().check_int(v, n, 1),
        int,
        str(_LIMIT_DEFAULTS["max_text_chars"]),
    ),
    "max_id_chars": (_id_limit, int, str(_LIMIT_DEFAULTS["max_id_chars"])),
    "chunk_size": (lambda v, n: _checks().check_int(v, n, 1), int, "1200"),
    "chunk_overlap": (lambda v, n: _checks().check_int(v, n, 0), int, "150"),
    "user": (lambda v, n: validate_id(v, "user id"), str, "alice"),
}
_OPTIONAL = {
    "session_store",
    "session_namespace",
    "session_ttl",
    "session_max_messages",
    "graph_store",
    "llm_model",
    "chunk_size",
    "chunk_overlap",
    "user",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The knobs of a memory; ``None`` means the default stated for each. Every field is checked
    when a ``Settings`` is built (:class:`InvalidInputError` naming it).

    ``Settings()`` is the defaults alone; :meth:`from_env` reads the environment. Pass one as
    ``GraphMemory(settings=...)`` to use it instead of the environment; arguments given to
    ``GraphMemory`` still win over it.

    Attributes:
        data_dir: where the embedded stores live (``./.cognee_langchain``).
        session_store: a Redis URL, a PostgreSQL URL or a SQLite file for the session cache
            (SQLite in ``data_dir``).
        session_namespace: the Redis key namespace of this memory's sessions (a digest of its
            graph store's location, so each memory has its own); memories given the same one
            share their sessions.
        session_ttl / session_max_messages: sliding expiry in seconds and the most messages kept
            per session, for the session store the memory builds (never / no limit).
        redis_timeout: seconds a Redis connection attempt or operation may take (5).
        graph_store: a PostgreSQL URL or the SQLite graph file (``data_dir/graph.sqlite``).
        llm_model: an OpenAI chat model for extraction and answers, used with
            ``OPENAI_API_KEY`` (offline).
        llm_timeout: seconds one chat-model call may take (30).
        max_query_chars / max_text_chars / max_id_chars: the :class:`Limits`.
        chunk_size / chunk_overlap: how prose is cut (``TextChunker``'s defaults).
        user: the id of the user who acts when a method names none (the default user).
    """

    data_dir: Path = DEFAULT_DATA_DIR
    session_store: str | Path | None = None
    session_namespace: str | None = None
    session_ttl: float | None = None
    session_max_messages: int | None = None
    redis_timeout: float = DEFAULT_REDIS_TIMEOUT
    graph_store: str | Path | None = None
    llm_model: str | None = None
    llm_timeout: float = DEFAULT_LLM_TIMEOUT
    max_query_chars: int = _LIMIT_DEFAULTS["max_query_chars"]
    max_text_chars: int = _LIMIT_DEFAULTS["max_text_chars"]
    max_id_chars: int = _LIMIT_DEFAULTS["max_id_chars"]
    chunk_size: int | None = None
    chunk_overlap: int | None = None
    user: str | None = None

    def __post_init__(self) -> None:
        """Check every field (so a bad one fails here, not on first use)."""
        for field in dataclasses.fields(self):
            object.__setattr__(
                self, field.name, _check_field(field.name, getattr(self, field.name))
            )
        if (
            self.chunk_size is not None
            and self.chunk_overlap is not None
            and self.chunk_overlap >= self.chunk_size
        ):
            raise InvalidInputError(
                f"chunk_overlap must be less than chunk_size={self.chunk_size}, got "
                f"{self.chunk_overlap}: pass e.g. {self.chunk_size // 8}."
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``COGNEE_LANGCHAIN_*`` variables of ``environ`` (default
        ``os.environ``), then ``overrides`` (fields given in code; ``None`` values count as not
        given), then the defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name in sorted(environ):
            if not name.startswith(ENV_PREFIX) or not environ[name].strip():
                continue
            field = name[len(ENV_PREFIX) :].lower()
            if field not in _FIELDS:
                raise InvalidInputError(_unknown_variable(name))
            values[field] = _parse(name, field, environ[name])
        try:
            return cls._with(values, overrides)
        except InvalidInputError as exc:  # values fine alone, not together (chunk_overlap)
            if not values:
                raise
            read = ", ".join(ENV_PREFIX + field.upper() for field in values)
            raise InvalidInputError(f"{exc} (settings read from {read})") from None

    def replace(self, **overrides: object) -> Settings:
        """A copy with the fields in ``overrides`` that are not ``None`` replaced."""
        return self._with(
            {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, overrides
        )

    @classmethod
    def _with(cls, values: dict[str, object], overrides: Mapping[str, object]) -> Settings:
        for name, value in overrides.items():
            if name not in _FIELDS:
                raise InvalidInputError(
                    f"Settings has no field {name!r}: it takes {', '.join(_FIELDS)}."
                )
            if value is not None:
                values[name] = value
        return cls(**values)  # type: ignore[arg-type]

    @property
    def limits(self) -> Limits:
        """The size limits, as a :class:`Limits`."""
        return Limits(self.max_query_chars, self.max_text_chars, self.max_id_chars)

    def chat_model(self, environ: Mapping[str, str] | None = None) -> BaseChatModel | None:
        """``ChatOpenAI(model=llm_model)`` when a model is named (``None``: offline). The key
        comes from ``OPENAI_API_KEY`` in ``environ`` (default ``os.environ``); a model named
        without one is an :class:`InvalidInputError`."""
        if self.llm_model is None:
            return None
        environ = os.environ if environ is None else environ
        if not environ.get("OPENAI_API_KEY", "").strip():
            raise InvalidInputError(
                f"llm_model={self.llm_model!r} ({ENV_PREFIX}LLM_MODEL) needs an OpenAI key: "
                f"set OPENAI_API_KEY, or unset {ENV_PREFIX}LLM_MODEL to stay offline."
            )
        from langchain_openai import ChatOpenAI

        # The extractor retries transient failures itself; SDK retries would multiply its calls.
        return ChatOpenAI(model=self.llm_model, max_retries=0)

    def __repr__(self) -> str:
        # A store URL may carry a password: never shown.
        shown = ", ".join(
            f"{f.name}={redact_url(value) if f.name in _STORE_FIELDS else value!r}"
            for f in dataclasses.fields(self)
            if (value := getattr(self, f.name)) != f.default
        )
        return f"Settings({shown})"


# Fields whose value may be a URL holding a password.
_STORE_FIELDS = frozenset({"session_store", "graph_store"})
_KINDS: dict[Callable[[str], object], str] = {int: "a whole number", float: "a number", str: "text"}


def _parse(variable: str, field: str, text: str) -> object:
    """The value of ``variable`` (its ``text``), converted and checked for ``field``."""
    check, convert, example = _FIELDS[field]
    shown = redact_url(text.strip())[:80] if field in _STORE_FIELDS else text.strip()[:80]
    try:
        return check(convert(text.strip()), field)
    except (InvalidInputError, ValueError, OverflowError) as exc:
        reason = str(exc) if isinstance(exc, InvalidInputError) else f"not {_KINDS[convert]}."
        raise InvalidInputError(
            f"{variable}={shown!r} cannot be used: {reason} Set e.g. {variable}={example}."
        ) from None


def _unknown_variable(name: str) -> str:
    known = [ENV_PREFIX + field.upper() for field in _FIELDS]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (
        f"{name} is not a setting of cognee-langchain: {hint}the variables are {', '.join(known)}."
    )
