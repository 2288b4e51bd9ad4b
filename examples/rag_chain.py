"""A RAG chain over graph memory: retriever | prompt | model, in LCEL.

Offline by default (a stand-in chat model); set OPENAI_API_KEY to use ChatOpenAI.

    python examples/rag_chain.py
"""

from __future__ import annotations

import tempfile

from _models import chat_model
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from cognee_langchain import GraphMemory
from cognee_langchain.tools import format_memories

TEXT = """
Acme Robotics builds warehouse robots called Pickers. The Pickers run on the Orbit platform.
Bob Tanaka designed the Orbit platform in 2021. Bob Tanaka previously worked at Zeta Labs.
"""

PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer from this memory only:\n{context}"),
        ("human", "{question}"),
    ]
)


def main() -> None:
    memory = GraphMemory(tempfile.mkdtemp(prefix="cognee_langchain_rag_"))
    memory.remember(TEXT)
    retriever = memory.as_retriever(top_k=4)  # hybrid graph search: multi-hop through entities
    chain = (
        {"context": retriever | format_memories, "question": RunnablePassthrough()}
        | PROMPT
        | chat_model()
        | StrOutputParser()
    )
    question = "Who designed the platform the Pickers run on?"
    print(f"question: {question}\nanswer:   {chain.invoke(question)}")
    memory.close()


if __name__ == "__main__":
    main()
