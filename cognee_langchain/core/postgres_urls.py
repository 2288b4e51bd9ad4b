"""PostgreSQL URLs: the one check of a PostgreSQL location, for the settings, the stores and the
command line alike.

A location is a libpq connection URI, ``postgresql://[user[:password]@][host][:port][/dbname]
[?param=value...]`` (``postgres://`` is the same). It is checked here for what can be checked
without connecting (its form, its port, no NUL); whether the server answers is the store's
business, when it opens. No message shows a password.

One parameter is the package's own, not libpq's: ``?schema=NAME`` puts the graph's tables in
schema ``NAME`` (default ``cognee_langchain``) and a session store's in ``NAME_sessions``, so
several memories can share one database. :func:`split_schema` takes it out before the URL
reaches libpq.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cognee_langchain.core.redaction import redact_url
from cognee_langchain.errors import InvalidInputError

__all__ = [
    "DEFAULT_POSTGRES_SCHEMA",
    "POSTGRES_URL_SCHEMES",
    "check_postgres_url",
    "is_postgres_url",
    "sessions_schema",
    "split_schema",
]

#: The schema of a graph store's tables when nobody names one.
DEFAULT_POSTGRES_SCHEMA = "cognee_langchain"


def sessions_schema(schema: str | None = None) -> str:
    """The schema of a session store's tables beside the graph in ``schema``: both may share a
    database (and a URL) without their tables meeting."""
    return f"{schema or DEFAULT_POSTGRES_SCHEMA}_sessions"


#: The URL schemes libpq takes for a PostgreSQL server.
POSTGRES_URL_SCHEMES = ("postgresql", "postgres")
_USAGE = (
    "use postgresql://user:password@host:5432/dbname (percent-encode special characters of the "
    "password, e.g. 'p%40ss'), or postgresql:///dbname for the local socket."
)


def is_postgres_url(value: object) -> bool:
    """Whether ``value`` is a string naming a PostgreSQL location (not checked further)."""
    return (
        isinstance(value, str)
        and value.strip().partition("://")[0].lower() in POSTGRES_URL_SCHEMES
        and "://" in value
    )


def check_postgres_url(url: object, name: str) -> str:
    """``url`` stripped if it is a PostgreSQL URL libpq can use, else
    :class:`InvalidInputError` naming the form it takes."""
    if not is_postgres_url(url):
        raise InvalidInputError(f"{name} {redact_url(url)!r} is not a PostgreSQL URL: {_USAGE}")
    assert isinstance(url, str)  # is_postgres_url checked it
    text = url.strip()
    if "\x00" in text:
        raise InvalidInputError(f"{name} URL contains a NUL character: {_USAGE}")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - parsing the port is the check (ValueError when bad)
    except ValueError:  # its message may quote a piece of the password: never shown
        raise InvalidInputError(
            f"{name} {redact_url(text)!r} cannot be parsed (check the port): {_USAGE}"
        ) from None
    return text


def split_schema(url: str) -> tuple[str, str | None]:
    """``(url without the package's schema parameter, the schema it named or None)``."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for key, value in pairs if key == "schema"]
    if not schemas:
        return url, None
    if len(schemas) > 1:
        raise InvalidInputError(
            f"{redact_url(url)!r} names the schema {len(schemas)} times: give ?schema= once."
        )
    rest = urlencode([(key, value) for key, value in pairs if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schemas[0]
