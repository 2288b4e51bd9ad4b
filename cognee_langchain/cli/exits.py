"""What a library error becomes in the shell: an exit code and a hint in shell terms."""

from __future__ import annotations

from cognee_langchain.errors import (
    CogneeLangchainError,
    ExtractionError,
    InvalidInputError,
    NoGraphDataError,
    NoSessionsFoundError,
    PermissionDeniedError,
    SessionStoreRefusedError,
    SessionStoreUnavailableError,
    SessionWriteUnknownError,
    StoreBusyError,
    StoreCorruptedError,
    StoreUnavailableError,
    WriteConflictError,
)

__all__ = ["EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_OTHER", "EXIT_USAGE", "exit_code", "shell_hint"]

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
    (SessionWriteUnknownError, 8),  # before its base class: the write may have been applied
    (SessionStoreRefusedError, 13),  # before its base class: not retryable until fixed
    (SessionStoreUnavailableError, 7),
    (StoreBusyError, 9),  # retryable: another process holds the graph file's lock
    (StoreUnavailableError, 10),  # read-only, disk full, I/O error: fix it, then retry
    (StoreCorruptedError, 11),  # not retryable: restore the graph file
    (WriteConflictError, 12),  # retryable: a concurrent write won the race
)


def exit_code(exc: CogneeLangchainError) -> int:
    """The exit code of a library error (:data:`EXIT_CODES`, else :data:`EXIT_OTHER`)."""
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), EXIT_OTHER)


def shell_hint(exc: CogneeLangchainError) -> str:
    """The shell form of the fix the library's message gives as a Python call."""
    if isinstance(exc, NoSessionsFoundError) and exc.session_ids:
        return f' From the shell: cognee-langchain recall "QUESTION" --session {exc.session_ids[0]}'
    if isinstance(exc, NoGraphDataError):
        return f" From the shell: cognee-langchain remember FILE --dataset {exc.dataset}"
    if isinstance(exc, SessionWriteUnknownError):
        return (
            " From the shell: check with cognee-langchain sessions show SESSION whether it was "
            "recorded before asking again."
        )
    if isinstance(exc, StoreBusyError):
        return " From the shell: retry when the other process using --data-dir is done."
    if isinstance(exc, StoreCorruptedError):
        return " From the shell: restore the graph file, or point --data-dir at a new directory."
    if isinstance(exc, SessionStoreRefusedError):
        return ""  # the store answered: its message already names the operator's fix
    if isinstance(exc, SessionStoreUnavailableError):
        return " From the shell: check --redis-url, or raise --redis-timeout."
    return ""
