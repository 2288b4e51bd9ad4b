"""The answer prompt of ``recall``: one call, with numbered context and the recent turns.

The system message carries the instructions; the user message holds the recent conversation,
the retrieved context (each item numbered, typed and labelled with its id) and, on its last
line, the question. Context ``[n]`` is ``context_ids[n - 1]`` of the answer stored in the
session, so a citation in the answer can be traced back to the memory it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

__all__ = ["ANSWER_SYSTEM_PROMPT", "answer_messages"]

ANSWER_SYSTEM_PROMPT = """\
You answer the user's question from their memory: the numbered context items below were \
retrieved from a knowledge graph built from their documents and earlier conversations. Each item \
is a text chunk, a fact or a summary.

Answer in a few sentences, using only what the context and the recent conversation say. Cite the \
context items you used by number, like [1] or [2][3]. When facts must be combined (the founder of \
a company, then where that person was born), combine them and cite each. The question may refer \
back to the recent conversation ("she", "that company", "and in 2020?"): resolve it from there. \
If the context does not contain the answer, say that you don't know; never guess or add outside \
knowledge. Answer in the language of the question.\
"""

# A long answer in the recent turns says more than the next question needs.
_MAX_TURN_CHARS = 1000


def _one_line(text: str, limit: int | None = None) -> str:
    line = " ".join(text.split())
    return line if limit is None or len(line) <= limit else line[: limit - 1] + "…"


def answer_messages(
    question: str, context: Sequence[Document], turns: Sequence[tuple[str, str]] = ()
) -> list[BaseMessage]:
    """The messages of the answer call.

    ``context``: the retrieved documents, best first. ``turns``: the recent ``(question,
    answer)`` pairs of the session, oldest first.
    """
    parts = []
    if turns:
        lines = ["Recent conversation:"]
        for asked, answered in turns:
            lines.append(f"User: {_one_line(asked, _MAX_TURN_CHARS)}")
            lines.append(f"Assistant: {_one_line(answered, _MAX_TURN_CHARS)}")
        parts.append("\n".join(lines))
    if context:
        lines = ["Context:"]
        for number, document in enumerate(context, start=1):
            kind = document.metadata.get("type", "memory")
            label = f"{kind} {document.id}" if document.id else kind
            lines.append(f"[{number}] ({label}) {_one_line(document.page_content)}")
        parts.append("\n".join(lines))
    else:
        parts.append("Context: nothing relevant was found in memory.")
    parts.append(f"Question: {_one_line(question)}")
    return [SystemMessage(ANSWER_SYSTEM_PROMPT), HumanMessage("\n\n".join(parts))]
