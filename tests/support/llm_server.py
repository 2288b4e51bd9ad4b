"""A scripted OpenAI-compatible HTTP server on loopback, driven through the real OpenAI clients.

It answers ``POST /v1/chat/completions`` (plain, streamed, tool-call and ``response_format``
structured-output shapes) and ``POST /v1/embeddings``, so tests and benchmarks exercise
``ChatOpenAI`` / ``OpenAIEmbeddings`` end to end without a network or an API key::

    with ScriptedLLMServer(latency=0.3) as server:
        server.script(Reply.error(500), Reply.data({"entities": []}))
        llm = server.chat_model()
        ...
        assert len(server.chat_requests) == 2

What a chat request gets: the next scripted :class:`Reply` if any is queued, else
``server.responder(request_json)``. The default responder, :func:`extraction_responder`, answers
structured-output requests with a sensible ``ChunkExtraction`` computed by the offline extractor
from the last user message (the chunk text), and plain requests with a short extractive answer;
benchmarks use it to run the LLM path at scale.

Structured-output schemas are held to OpenAI's strict mode before any reply is chosen: the schema
of a ``response_format`` of type ``json_schema`` and the parameters of every function that is
``strict`` or forced by ``tool_choice`` (how ``with_structured_output(method="function_calling")``
asks for structured output) must keep to the strict-mode subset (:func:`strict_schema_problems`),
else the request gets OpenAI's HTTP 400 ``invalid_request_error`` and the test sees the
``openai.BadRequestError`` a real provider would raise. Tools an agent is merely offered (not
strict, not forced) are not held to it, as OpenAI does not. ``server.strict_schemas = False``
turns the check off; ``server.checked_schemas`` lists the schemas that passed it.

Every request is served on its own thread (``ThreadingHTTPServer``), so latency overlaps across
concurrent clients as it does with a real provider. :class:`SubprocessLLMServer` runs the same
server with the default responder in a child process, for benchmarks that should not pay for the
server's CPU work in their own process.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import re
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI, OpenAIEmbeddings

__all__ = [
    "LoggedRequest",
    "Reply",
    "Responder",
    "SchemaRejection",
    "ScriptedLLMServer",
    "StrictLimits",
    "SubprocessLLMServer",
    "check_structured_output",
    "chunk_text_of",
    "extraction_responder",
    "strict_schema_problems",
]


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build it with the class methods."""

    kind: str  # "data", "text", "error" or "raw"
    payload: Any = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def data(cls, obj: Any, *, delay: float = 0.0) -> Reply:
        """Structured output, shaped to the request: a tool call when the request offers tools,
        else JSON message content (``response_format`` json_schema / json_object)."""
        return cls("data", obj, delay=delay)

    @classmethod
    def text(cls, content: str, *, delay: float = 0.0) -> Reply:
        """Plain message content (never a tool call), e.g. malformed JSON: ``"{not json"``."""
        return cls("text", content, delay=delay)

    @classmethod
    def error(
        cls,
        status: int = 500,
        message: str = "scripted failure",
        *,
        retry_after: float | None = None,
        delay: float = 0.0,
    ) -> Reply:
        """An OpenAI-style error response (500, 429 with ``Retry-After``, 401, ...)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls("error", message, status=status, delay=delay, headers=headers)

    @classmethod
    def hang(cls, seconds: float) -> Reply:
        """Answer only after ``seconds``: longer than the client's timeout, it is a timeout."""
        return cls("data", {}, delay=seconds)

    @classmethod
    def raw(
        cls, body: bytes, *, status: int = 200, content_type: str = "application/json"
    ) -> Reply:
        """Send ``body`` as is: a malformed HTTP response (not JSON, truncated JSON, ...)."""
        return cls("raw", body, status=status, headers={"Content-Type": content_type})


Responder = Callable[[dict[str, Any]], "Reply | dict[str, Any] | str"]


@dataclass(frozen=True)
class LoggedRequest:
    """A request as the server received it."""

    path: str
    body: Any  # parsed JSON, or None when the body was not JSON
    received_at: float
    headers: dict[str, str]  # names in lower case


STATS_PATH = "/_scripted/stats"


class _OpenAIClients:
    """Real OpenAI clients pointed at a scripted server's ``url``."""

    @property
    def url(self) -> str:
        raise NotImplementedError

    def chat_model(self, *, timeout: float = 10.0, **kwargs: Any) -> ChatOpenAI:
        """A real ``ChatOpenAI`` pointed at this server, with the SDK's own retries off."""
        from langchain_openai import ChatOpenAI

        params: dict[str, Any] = {
            "base_url": self.url,
            "api_key": "test",
            "model": "gpt-test",
            "max_retries": 0,
            "timeout": timeout,
        }
        return ChatOpenAI(**(params | kwargs))

    def embeddings_model(self, **kwargs: Any) -> OpenAIEmbeddings:
        """A real ``OpenAIEmbeddings`` pointed at this server; never touches tiktoken (it would
        download its vocabulary)."""
        from langchain_openai import OpenAIEmbeddings

        params: dict[str, Any] = {
            "base_url": self.url,
            "api_key": "test",
            "model": "text-embedding-test",
            "max_retries": 0,
            "check_embedding_ctx_length": False,
        }
        return OpenAIEmbeddings(**(params | kwargs))


class ScriptedLLMServer(_OpenAIClients):
    """OpenAI-compatible server on ``127.0.0.1`` (random port) with a scripted behaviour.

    Args:
        responder: Produces the reply to a chat request when no scripted reply is queued; may
            return a :class:`Reply`, a dict (structured data) or a str (plain content).
        latency: Seconds added to every response (chat and embeddings), served concurrently.
        embedding_dim: Size of the deterministic bag-of-words vectors ``/v1/embeddings`` returns.
        strict_schemas: Reject structured-output requests whose schema OpenAI's strict mode
            would reject (HTTP 400, see the module docstring).

    Attributes ``responder``, ``latency`` and ``strict_schemas`` may be changed while the
    server runs.
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency: float = 0.0,
        embedding_dim: int = 64,
        strict_schemas: bool = True,
    ) -> None:
        self.responder: Responder = responder or extraction_responder
        self.latency = latency
        self.embedding_dim = embedding_dim
        self.strict_schemas = strict_schemas
        self._checked: list[str] = []
        self._queue: deque[Reply] = deque()
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self._max_in_flight = 0
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ScriptedLLMServer:
        """Bind a free port on 127.0.0.1 and serve in a background thread."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.scripted = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still sleeping are woken and dropped."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for OpenAI clients, e.g. ``http://127.0.0.1:54321/v1``."""
        if self._httpd is None:
            raise RuntimeError("ScriptedLLMServer is not running: call start() or use `with`.")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    # --- script and observations -------------------------------------------------------------

    def script(self, *replies: Reply | dict[str, Any] | str) -> None:
        """Queue replies for the next chat requests, in order (before the responder is used)."""
        with self._lock:
            self._queue.extend(_as_reply(reply) for reply in replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received so far (a copy), in arrival order."""
        with self._lock:
            return list(self._log)

    @property
    def chat_requests(self) -> list[LoggedRequest]:
        """Chat-completion requests received so far."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[LoggedRequest]:
        """Embedding requests received so far."""
        return [r for r in self.requests if r.path.endswith("/embeddings")]

    @property
    def checked_schemas(self) -> list[str]:
        """The structured-output schemas that passed the strict-mode check, in arrival order:
        ``"response_format:<name>"`` or ``"function:<name>"``."""
        with self._lock:
            return list(self._checked)

    @property
    def in_flight(self) -> int:
        """Requests being served right now (e.g. still sleeping after the client gave up)."""
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        """The most requests ever being served at the same time."""
        with self._lock:
            return self._max_in_flight

    def stats(self) -> dict[str, int]:
        """Request counts and the in-flight high-water mark (``GET /_scripted/stats`` serves
        the same to another process)."""
        requests = self.requests
        return {
            "requests": len(requests),
            "chat_requests": sum(r.path.endswith("/chat/completions") for r in requests),
            "embedding_requests": sum(r.path.endswith("/embeddings") for r in requests),
            "max_in_flight": self.max_in_flight,
        }

    def reset(self) -> None:
        """Forget the request log, the checked schemas, the in-flight high-water mark and any
        queued replies."""
        with self._lock:
            self._log.clear()
            self._checked.clear()
            self._queue.clear()
            self._max_in_flight = self._in_flight

    # --- request handling (called on handler threads) ----------------------------------------

    def _enter(self, request: LoggedRequest) -> None:
        with self._lock:
            self._log.append(request)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _check_schemas(self, body: dict[str, Any]) -> SchemaRejection | None:
        """The rejection of ``body``'s structured-output schema, if strict mode would refuse it."""
        if not self.strict_schemas:
            return None
        checked, rejection = check_structured_output(body)
        with self._lock:
            self._checked.extend(checked)
        return rejection

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            queued = self._queue.popleft() if self._queue else None
        return queued if queued is not None else _as_reply(self.responder(body))

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; False if the server is stopping meanwhile."""
        return seconds <= 0 or not self._stopping.wait(seconds)

    def _completion_id(self) -> str:
        return f"chatcmpl-scripted-{next(self._ids)}"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once in concurrency tests
    scripted: ScriptedLLMServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the OpenAI clients expect
    # Headers and body go out in separate writes; with Nagle's algorithm the body would wait for
    # the client's delayed ACK (~40 ms per request).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr line."""

    def do_GET(self) -> None:
        if self.path.rstrip("/") == STATS_PATH:
            self._send_json(200, self.server.scripted.stats())
        else:
            self._send_error(404, f"no route for GET {self.path} (scripted server)")

    def do_POST(self) -> None:
        scripted = self.server.scripted
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = LoggedRequest(self.path, body, time.time(), headers)
        scripted._enter(request)
        try:
            if not isinstance(body, dict):
                self._send_error(400, "request body is not a JSON object")
            elif self.path.rstrip("/").endswith("/chat/completions"):
                self._chat(scripted, body)
            elif self.path.rstrip("/").endswith("/embeddings"):
                if scripted._sleep(scripted.latency):
                    self._send_json(200, _embeddings_response(body, scripted.embedding_dim))
            else:
                self._send_error(404, f"no route for POST {self.path} (scripted server)")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): nothing left to answer
        finally:
            scripted._leave()

    def _chat(self, scripted: ScriptedLLMServer, body: dict[str, Any]) -> None:
        # A provider refuses an unusable schema before generating: no scripted reply is used.
        rejection = scripted._check_schemas(body)
        if rejection is not None:
            if scripted._sleep(scripted.latency):
                self._send_json(400, {"error": rejection.error()})
            return
        try:
            reply = scripted._next_reply(body)
        except Exception as exc:  # a broken test responder: say so instead of dropping the line
            reply = Reply.error(500, f"scripted responder raised {type(exc).__name__}: {exc}")
        if not scripted._sleep(scripted.latency + reply.delay):
            return
        if reply.kind == "error":
            error_type = "rate_limit_error" if reply.status == 429 else "server_error"
            self._send_json(
                reply.status,
                {"error": {"message": reply.payload, "type": error_type, "code": None}},
                reply.headers,
            )
        elif reply.kind == "raw":
            self._send(reply.status, reply.payload, reply.headers)
        else:
            message = _assistant_message(body, reply, scripted._completion_id())
            if body.get("stream"):
                self._send_stream(body, message)
            else:
                self._send_json(200, _completion(body, message))

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), headers)

    def _send_error(self, status: int, message: str) -> None:
        self._send_json(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def _send_stream(self, body: dict[str, Any], message: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        base = {
            "id": message["id"],
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "gpt-test"),
        }
        delta: dict[str, Any] = {"role": "assistant", "content": message["content"]}
        if message.get("tool_calls"):
            delta["tool_calls"] = [
                {"index": i, **call} for i, call in enumerate(message["tool_calls"])
            ]
        events = [
            {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
            {
                **base,
                "choices": [{"index": 0, "delta": {}, "finish_reason": message["finish_reason"]}],
            },
        ]
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**base, "choices": [], "usage": _usage(body, message)})
        for event in events:
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


# --- response shapes ---------------------------------------------------------------------------


def _as_reply(value: Reply | dict[str, Any] | str) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply.text(value)
    return Reply.data(value)


def _assistant_message(body: dict[str, Any], reply: Reply, completion_id: str) -> dict[str, Any]:
    """The assistant message for ``reply``, shaped like OpenAI's answer to ``body``."""
    message: dict[str, Any] = {"id": completion_id, "content": None, "finish_reason": "stop"}
    tool = _requested_tool(body)
    if reply.kind == "data" and tool is not None:
        message["tool_calls"] = [
            {
                "id": f"call_{completion_id}",
                "type": "function",
                "function": {"name": tool, "arguments": json.dumps(reply.payload)},
            }
        ]
        message["finish_reason"] = "tool_calls"
    elif reply.kind == "data":
        message["content"] = json.dumps(reply.payload)
    else:
        message["content"] = reply.payload
    return message


def _requested_tool(body: dict[str, Any]) -> str | None:
    """The function the client asks to be called (``tool_choice``), else its first tool."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if name:
            return str(name)
    tools = body.get("tools") or []
    if tools and choice != "none":
        return str(tools[0].get("function", {}).get("name") or "") or None
    return None


def _completion(body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    choice_message: dict[str, Any] = {"role": "assistant", "content": message["content"]}
    if message.get("tool_calls"):
        choice_message["tool_calls"] = message["tool_calls"]
    return {
        "id": message["id"],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "gpt-test"),
        "choices": [
            {
                "index": 0,
                "message": choice_message,
                "finish_reason": message["finish_reason"],
                "logprobs": None,
            }
        ],
        "usage": _usage(body, message),
    }


def _usage(body: dict[str, Any], message: dict[str, Any]) -> dict[str, int]:
    # Whitespace word counts stand in for tokens: enough for callbacks that sum usage.
    prompt = sum(len(str(m.get("content") or "").split()) for m in body.get("messages") or [])
    completion = len(str(message.get("content") or "").split()) + sum(
        len(call["function"]["arguments"].split()) for call in message.get("tool_calls") or []
    )
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _embeddings_response(body: dict[str, Any], dim: int) -> dict[str, Any]:
    inputs = body.get("input")
    if isinstance(inputs, str) or (
        isinstance(inputs, list) and inputs and isinstance(inputs[0], int)
    ):
        inputs = [inputs]
    vectors = [_bag_of_words_vector(item, dim) for item in inputs or []]
    as_base64 = body.get("encoding_format") == "base64"
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": (
                base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode() if as_base64 else vector
            ),
        }
        for i, vector in enumerate(vectors)
    ]
    tokens = sum(len(str(item).split()) for item in inputs or [])
    return {
        "object": "list",
        "data": data,
        "model": body.get("model", "text-embedding-test"),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _bag_of_words_vector(item: str | list[int], dim: int) -> list[float]:
    """A deterministic unit vector: hashed word counts, so texts sharing words are close."""
    words = item.lower().split() if isinstance(item, str) else [str(token) for token in item]
    vector = [0.0] * dim
    for word in words:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % dim
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = sum(x * x for x in vector) ** 0.5
    return [x / norm for x in vector] if norm else vector


# --- strict structured-output schemas ----------------------------------------------------------
#
# OpenAI's strict mode accepts a subset of JSON Schema ("Supported schemas" in the Structured
# Outputs guide, platform.openai.com/docs/guides/structured-outputs): the root is an object (not
# anyOf); every object lists all its properties in `required` and sets
# `additionalProperties: false`; types are string, number, integer, boolean, object, array, null
# (or a list of them), plus enum, const, anyOf and local $ref / $defs (recursion allowed); the only
# type-specific keywords are pattern / format (strings), multipleOf / minimum / maximum /
# exclusiveMinimum / exclusiveMaximum (numbers) and minItems / maxItems (arrays). Everything else
# (default, minLength, maxLength, allOf, oneOf, not, if/then/else, patternProperties,
# minProperties, uniqueItems, ...) is rejected. Size limits are in StrictLimits. The messages follow
# the API's own ("Invalid schema for response_format 'X': In context=('properties', 'y'),
# 'default' is not permitted.").

_NUMBER_KEYWORDS = frozenset(
    {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
)
_TYPE_KEYWORDS: dict[str, frozenset[str]] = {
    "object": frozenset({"properties", "required", "additionalProperties"}),
    "array": frozenset({"items", "minItems", "maxItems"}),
    "string": frozenset({"pattern", "format"}),
    "number": _NUMBER_KEYWORDS,
    "integer": _NUMBER_KEYWORDS,
    "boolean": frozenset(),
    "null": frozenset(),
}
_COMMON_KEYWORDS = frozenset(
    {"type", "description", "title", "enum", "const", "anyOf", "$ref", "$defs", "definitions"}
)
_STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


@dataclass(frozen=True)
class StrictLimits:
    """OpenAI's documented size limits of a strict schema (Structured Outputs guide, "Objects
    have limitations on nesting depth and size" and the limits after it). Earlier versions of
    the guide said 100 properties and 5 levels: ``StrictLimits(max_nesting=5,
    max_properties=100)`` checks against those."""

    max_nesting: int = 10  # levels of object nesting, the root object being level 1
    max_properties: int = 5000  # object properties in the whole schema
    max_string_chars: int = 120_000  # property and definition names, enum and const values
    max_enum_values: int = 1000  # across every enum of the schema
    max_large_enum_chars: int = 15_000  # one string enum of more than 250 values


@dataclass(frozen=True)
class SchemaRejection:
    """Why a structured-output request is refused, as OpenAI words the HTTP 400."""

    message: str
    param: str
    code: str

    def error(self) -> dict[str, Any]:
        """The ``error`` object of OpenAI's 400 response."""
        return {
            "message": self.message,
            "type": "invalid_request_error",
            "param": self.param,
            "code": self.code,
        }


def check_structured_output(body: dict[str, Any]) -> tuple[list[str], SchemaRejection | None]:
    """Hold a chat request's structured-output schemas to strict mode.

    Returns the schemas that passed (``"response_format:<name>"``, ``"function:<name>"``) and
    the rejection of the first one that did not, if any. Checked: the schema of a
    ``response_format`` of type ``json_schema`` (whatever its ``strict`` flag: a schema the
    provider cannot enforce is one the test should not rely on) and the parameters of every
    function that is ``strict`` or forced by ``tool_choice``.
    """
    checked: list[str] = []
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
            return checked, SchemaRejection(
                "Missing required parameter: 'response_format.json_schema.schema'.",
                "response_format.json_schema",
                "missing_required_parameter",
            )
        name = spec.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            return checked, _bad_name("response_format.json_schema.name", name)
        problems = strict_schema_problems(spec["schema"])
        if problems:
            return checked, SchemaRejection(
                f"Invalid schema for response_format {name!r}: {problems[0]}",
                "response_format",
                "invalid_json_schema",
            )
        checked.append(f"response_format:{name}")
    forced = _forced_function(body)
    for index, tool in enumerate(body.get("tools") or []):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict):
            continue
        name = function.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            return checked, _bad_name(f"tools[{index}].function.name", name)
        if function.get("strict") is not True and name != forced:
            continue
        parameters = function.get("parameters")
        problems = (
            strict_schema_problems(parameters)
            if isinstance(parameters, dict)
            else ["In context=(), the parameters must be a JSON Schema object."]
        )
        if problems:
            return checked, SchemaRejection(
                f"Invalid schema for function {name!r}: {problems[0]}",
                f"tools[{index}].function.parameters",
                "invalid_function_parameters",
            )
        checked.append(f"function:{name}")
    return checked, None


def strict_schema_problems(schema: Any, limits: StrictLimits = StrictLimits()) -> list[str]:
    """Every reason OpenAI's strict mode would refuse ``schema`` (empty when it is accepted),
    each worded ``"In context=(<path>), <problem>"`` like the API's error messages."""
    walker = _StrictWalker(schema, limits)
    if not isinstance(schema, dict):
        return ["In context=(), the schema must be a JSON object."]
    if schema.get("type") != "object" or "anyOf" in schema:
        got = json.dumps(schema.get("type", "anyOf" if "anyOf" in schema else None))
        walker.problem(
            (), f"schema must be a JSON Schema of 'type: \"object\"', got 'type: {got}'."
        )
    walker.check(schema, ())
    depth = walker.depth(schema, ())
    if depth > limits.max_nesting:
        walker.problem(
            (),
            f"objects are nested {depth} levels deep, more than the limit of {limits.max_nesting}.",
        )
    if walker.properties > limits.max_properties:
        walker.problem(
            (),
            f"the schema has {walker.properties} object properties in total, more than the "
            f"limit of {limits.max_properties}.",
        )
    if walker.string_chars > limits.max_string_chars:
        walker.problem(
            (),
            f"the total string length of property names, definition names, enum and const "
            f"values is {walker.string_chars}, more than the limit of {limits.max_string_chars}.",
        )
    if walker.enum_values > limits.max_enum_values:
        walker.problem(
            (),
            f"the schema has {walker.enum_values} enum values in total, more than the limit of "
            f"{limits.max_enum_values}.",
        )
    return walker.problems


class _StrictWalker:
    def __init__(self, root: Any, limits: StrictLimits) -> None:
        self.root = root
        self.limits = limits
        self.problems: list[str] = []
        self.properties = 0
        self.string_chars = 0
        self.enum_values = 0

    def problem(self, path: tuple[str, ...], text: str) -> None:
        self.problems.append(f"In context={path!r}, {text}")

    def check(self, node: Any, path: tuple[str, ...]) -> None:
        """The keyword rules, over the schema as written (each definition once)."""
        if not isinstance(node, dict):
            self.problem(path, "schema must be a JSON object.")
            return
        for key in ("$defs", "definitions"):
            definitions = node.get(key)
            if definitions is None:
                continue
            if not isinstance(definitions, dict):
                self.problem(path, f"'{key}' must be an object of schemas.")
                continue
            for name, definition in definitions.items():
                self.string_chars += len(name)
                self.check(definition, (*path, key, name))
        if "$ref" in node:
            self._check_ref(node, path)
            return
        types = node.get("type")
        type_list = types if isinstance(types, list) else [types] if types is not None else []
        if types is None and "anyOf" not in node:
            self.problem(path, "schema must have a 'type' key.")
        for kind in type_list:
            if kind not in _TYPE_KEYWORDS:
                self.problem(path, f"{json.dumps(kind)} is not a supported type.")
        allowed = _COMMON_KEYWORDS.union(
            *(_TYPE_KEYWORDS.get(kind, frozenset()) for kind in type_list if isinstance(kind, str))
        )
        for keyword in node:
            if keyword not in allowed:
                self.problem(path, f"{keyword!r} is not permitted.")
        self._check_values(node, path)
        if "object" in type_list:
            self._check_object(node, path)
        if "array" in type_list:
            if not isinstance(node.get("items"), dict):
                self.problem(path, "array schema missing items.")
            else:
                self.check(node["items"], (*path, "items"))
        if "string" in type_list and "format" in node and node["format"] not in _STRING_FORMATS:
            self.problem(path, f"{node['format']!r} is not a supported format.")
        variants = node.get("anyOf")
        if variants is not None:
            if not isinstance(variants, list) or not variants:
                self.problem(path, "'anyOf' must be a non-empty array of schemas.")
            else:
                for index, variant in enumerate(variants):
                    self.check(variant, (*path, "anyOf", str(index)))

    def _check_ref(self, node: dict[str, Any], path: tuple[str, ...]) -> None:
        extra = sorted(set(node) - {"$ref", "$defs", "definitions"})
        if extra:
            self.problem(path, f"a '$ref' cannot have sibling keywords, got {extra}.")
        if self._resolve(node["$ref"]) is None:
            self.problem(path, f"reference {node['$ref']!r} can't be resolved.")

    def _check_values(self, node: dict[str, Any], path: tuple[str, ...]) -> None:
        enum = node.get("enum")
        if enum is not None:
            if not isinstance(enum, list) or not enum:
                self.problem(path, "'enum' must be a non-empty array.")
            else:
                self.enum_values += len(enum)
                chars = sum(len(value) for value in enum if isinstance(value, str))
                self.string_chars += chars
                if len(enum) > 250 and chars > self.limits.max_large_enum_chars:
                    self.problem(
                        path,
                        f"an enum of {len(enum)} values has {chars} characters, more than "
                        f"{self.limits.max_large_enum_chars} for an enum of over 250 values.",
                    )
        if isinstance(node.get("const"), str):
            self.string_chars += len(node["const"])

    def _check_object(self, node: dict[str, Any], path: tuple[str, ...]) -> None:
        properties = node.get("properties", {})
        if not isinstance(properties, dict):
            self.problem(path, "'properties' must be an object of schemas.")
            return
        if node.get("additionalProperties") is not False:
            self.problem(path, "'additionalProperties' is required to be supplied and to be false.")
        required = node.get("required", [])
        if not isinstance(required, list):
            required = []
        missing = [key for key in properties if key not in required]
        extra = [key for key in required if key not in properties]
        if missing:
            self.problem(
                path,
                "'required' is required to be supplied and to be an array including every key "
                f"in properties. Missing {missing[0]!r}.",
            )
        if extra:
            self.problem(path, f"Extra required key {extra[0]!r} supplied.")
        self.properties += len(properties)
        for key, value in properties.items():
            self.string_chars += len(key)
            self.check(value, (*path, "properties", key))

    def _resolve(self, ref: object) -> Any:
        """The schema a local reference (``#``, ``#/$defs/Name``) points to, else None."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        node: Any = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def depth(self, node: Any, stack: tuple[str, ...]) -> int:
        """Levels of object nesting below and including ``node``, following references (a
        reference already being followed is recursion, which strict mode allows)."""
        if not isinstance(node, dict):
            return 0
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self._resolve(ref)
            return 0 if ref in stack or target is None else self.depth(target, (*stack, ref))
        children: list[Any] = []
        properties = node.get("properties")
        if isinstance(properties, dict):
            children.extend(properties.values())
        if isinstance(node.get("items"), dict):
            children.append(node["items"])
        if isinstance(node.get("anyOf"), list):
            children.extend(node["anyOf"])
        below = max((self.depth(child, stack) for child in children), default=0)
        types = node.get("type")
        is_object = types == "object" or (isinstance(types, list) and "object" in types)
        return below + 1 if is_object else below


def _forced_function(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        return str(name) if name else None
    return None


def _bad_name(param: str, name: object) -> SchemaRejection:
    return SchemaRejection(
        f"Invalid {param!r}: string does not match pattern. Expected a string that matches the "
        f"pattern '^[a-zA-Z0-9_-]+$' (at most 64 characters), got {name!r}.",
        param,
        "invalid_value",
    )


# --- the default responder ---------------------------------------------------------------------


def chunk_text_of(request: dict[str, Any]) -> str:
    """The text of the last user message of a chat request (the chunk, for extraction)."""
    for message in reversed(request.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):  # content parts
                return "\n".join(
                    str(part.get("text", "")) for part in content if isinstance(part, dict)
                )
            return str(content or "")
    return ""


def extraction_responder(request: dict[str, Any]) -> Reply:
    """Answer like a diligent extraction model.

    Structured-output requests (tools or ``response_format``) get the offline extractor's
    ``ChunkExtraction`` of the last user message; plain requests get the first sentence of the
    last user message that shares the most words with its question line, a stand-in answer.
    """
    from cognee_langchain.extraction.offline import extract_chunk

    text = chunk_text_of(request)
    if request.get("tools") or request.get("response_format"):
        return Reply.data(extract_chunk(text).model_dump())
    return Reply.text(_extractive_answer(text))


def _extractive_answer(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "I don't know."
    question = set(re.findall(r"\w+", lines[-1].lower()))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(lines[:-1])) if s.strip()]
    if not sentences:
        return lines[-1]
    return max(sentences, key=lambda s: len(question & set(re.findall(r"\w+", s.lower()))))


class SubprocessLLMServer(_OpenAIClients):
    """The scripted server with its default responder, running in a child process.

    For benchmarks: the server's own CPU work (HTTP parsing, JSON, the responder) then neither
    holds the client's GIL nor counts in its process, as with a real provider. Only counts are
    observable (:meth:`stats`); scripting replies needs the in-process :class:`ScriptedLLMServer`.
    """

    def __init__(self, *, latency: float = 0.0, embedding_dim: int = 64) -> None:
        self.latency = latency
        self.embedding_dim = embedding_dim
        self._process: subprocess.Popen[str] | None = None
        self._url = ""

    def start(self) -> SubprocessLLMServer:
        """Start the child process and wait until it serves."""
        if self._process is not None:
            return self
        root = Path(__file__).resolve().parents[2]
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.llm_server",
                "--latency",
                str(self.latency),
                "--embedding-dim",
                str(self.embedding_dim),
            ],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self._url = self._process.stdout.readline().strip()
        if not self._url:
            self.stop()
            raise RuntimeError("the scripted server process exited before serving")
        return self

    def stop(self) -> None:
        """Stop the child process (closing its stdin ends it)."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> SubprocessLLMServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for OpenAI clients."""
        if self._process is None:
            raise RuntimeError("SubprocessLLMServer is not running: call start() or use `with`.")
        return self._url

    def stats(self) -> dict[str, int]:
        """Request counts and the in-flight high-water mark, fetched from the child."""
        stats_url = self.url.removesuffix("/v1") + STATS_PATH
        with urllib.request.urlopen(stats_url, timeout=5) as response:
            return dict(json.load(response))


def main() -> None:
    """``python -m tests.support.llm_server``: serve until stdin closes; print the URL first."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--embedding-dim", type=int, default=64)
    args = parser.parse_args()
    with ScriptedLLMServer(latency=args.latency, embedding_dim=args.embedding_dim) as server:
        print(server.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
