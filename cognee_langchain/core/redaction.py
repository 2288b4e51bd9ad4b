"""The one place secrets are taken out of what the package shows: URLs and texts quoting them.

:func:`redact_url` replaces the password of a URL's userinfo (``scheme://user:pass@host``) and the
value of every query parameter that carries a secret (``?password=``, ``token``, ``api_key``, ...)
with ``***``, for any scheme. :func:`redact_text` does the same to every URL found in a free text
(an error message, a driver's exception) and to ``password=...`` pairs outside URLs. Error
messages, ``repr``, attributes and logs that show a URL go through these.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["REDACTED", "redact_text", "redact_url"]

REDACTED = "***"

# Query parameters whose value is a secret (compared lower-cased, without "-" and "_").
_SECRET_PARAMS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "accesstoken",
        "authtoken",
        "apikey",
        "key",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "clientsecret",
        "sslpassword",
        "privatekey",
        "signature",
        "sig",
    }
)
# A URL in a text runs to the next whitespace: over-redacting a quote after it is harmless.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")
_PAIR = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?token)(\s*[=:]\s*)"
    r"('[^']*'|\"[^\"]*\"|[^\s,;&)]+)"
)


def _secret_param(name: str) -> bool:
    plain = name.lower().replace("-", "").replace("_", "")
    return plain in _SECRET_PARAMS or plain.endswith(("password", "secret", "token"))


def _redact_query(query: str) -> str:
    """``name=value`` pairs separated by ``&`` or ``;``: secret values become ``***``."""
    if "=" not in query:
        return query
    pieces = re.split(r"([&;])", query)
    for i in range(0, len(pieces), 2):
        name, equals, _ = pieces[i].partition("=")
        if equals and _secret_param(unquote(name)):
            pieces[i] = f"{name}={REDACTED}"
    return "".join(pieces)


def _redact_pairs(text: str) -> str:
    return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def redact_url(url: object) -> str:
    """``url`` with the password of its userinfo and every secret query value as ``***``.

    Any scheme (``redis://``, ``rediss://``, ``unix://``, ``postgresql://``, ``https://``...),
    parsed leniently so that a malformed URL never shows its secret either: the userinfo runs
    to the last ``@`` (a password may hold ``/``, ``?``, ``#`` or ``@``); its user name is kept
    when a ``:`` separates it from the password, otherwise the whole userinfo (often a token, as
    in ``https://TOKEN@host``) is hidden.
    """
    text = str(url)
    scheme, separator, rest = text.partition("://")
    if not separator:
        return _redact_pairs(text)
    userinfo = ""
    if "@" in rest:
        secret, _, rest = rest.rpartition("@")
        user, colon, _ = secret.partition(":")
        userinfo = f"{user}:{REDACTED}@" if colon else f"{REDACTED}@"
    head, question, query = rest.partition("?")
    if question:
        query, hash_, fragment = query.partition("#")
        rest = f"{head}?{_redact_query(query)}{hash_}{_redact_query(fragment)}"
    else:
        head, hash_, fragment = rest.partition("#")
        rest = f"{head}{hash_}{_redact_query(fragment)}"
    # The userinfo is done: a user named "passwd" must not make its host look like a secret.
    return f"{scheme}://{userinfo}{_redact_pairs(rest)}"


def redact_text(text: object) -> str:
    """``text`` with every URL in it passed through :func:`redact_url` and every
    ``password=value`` (or ``token: value``...) pair outside URLs redacted."""
    return _redact_pairs(_URL.sub(lambda match: redact_url(match.group(0)), str(text)))
