"""cognee-langchain: graph memory for LangChain and LangGraph agents.

Importing the package is cheap: public names are resolved lazily on first use, so no model,
client or heavy dependency is loaded at import time.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cognee_langchain.errors import (
        CogneeLangchainError,
        ExtractionError,
        InvalidInputError,
        NoGraphDataError,
        NoSessionsFoundError,
        PermissionDeniedError,
        SessionStoreUnavailableError,
    )
    from cognee_langchain.users import User, get_default_user, get_default_user_sync

try:
    __version__ = metadata.version("cognee-langchain")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "CogneeLangchainError": "cognee_langchain.errors",
    "ExtractionError": "cognee_langchain.errors",
    "InvalidInputError": "cognee_langchain.errors",
    "NoGraphDataError": "cognee_langchain.errors",
    "NoSessionsFoundError": "cognee_langchain.errors",
    "PermissionDeniedError": "cognee_langchain.errors",
    "SessionStoreUnavailableError": "cognee_langchain.errors",
    "User": "cognee_langchain.users",
    "get_default_user": "cognee_langchain.users",
    "get_default_user_sync": "cognee_langchain.users",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cognee_langchain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
