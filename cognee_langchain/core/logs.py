"""What the package's log records may show, in one place.

Every module logs through its own ``logging.getLogger(__name__)`` (under ``cognee_langchain``);
the package adds no handler and never touches the root logger: configure logging in your
application, e.g. ``logging.getLogger("cognee_langchain").setLevel(logging.DEBUG)``.

* **INFO**: one record per operation (``remember``, ``forget``, ``recall``, ``search``,
  ``improve``) and per notable event (a store opened or migrated, an extraction retry, a write
  race lost and retried), with dataset names, session ids, counts and timings — never user
  text (queries, documents, answers, model output), since INFO is commonly shipped to log
  services.
* **DEBUG**: the steps inside an operation, and user text as a :func:`preview` only: redacted,
  on one line, at most :data:`PREVIEW_CHARS` characters.
* Secrets never appear: URLs and error texts go through
  :mod:`cognee_langchain.core.redaction` (``preview`` does it too).
"""

from __future__ import annotations

from cognee_langchain.core.redaction import redact_text

__all__ = ["PREVIEW_CHARS", "preview"]

#: Characters of user text a DEBUG record may show.
PREVIEW_CHARS = 80


def preview(text: object, limit: int = PREVIEW_CHARS) -> str:
    """``text`` (or ``str(text)``) redacted, on one line, clipped to ``limit`` characters with
    ``…`` marking the cut: what a DEBUG record may show of a query, a document or an error."""
    # Only the head is looked at (a text may be megabytes); it is cut well past the limit so
    # that a URL reaching into the shown part is still whole when it is redacted.
    flat = " ".join(redact_text(str(text)[: 4 * limit + 256]).split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"
