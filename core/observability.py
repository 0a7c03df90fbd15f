"""Request ids and private-data-free logs.

Every request gets an id: the caller's ``X-Request-ID`` when it is a sane token (a proxy or load
balancer in front sets one), a new one otherwise. It is returned in the response's ``X-Request-ID``,
written on every log record of the request (``request_id``), and travels with each task the request
enqueues (a Celery message header), so a worker's log lines join the request that caused them.

``PrivateDataFilter`` keeps email addresses and credentials out of every log record, whatever code
logged them: the message and its arguments are rendered, then scrubbed.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger import json as _json
from pythonjsonlogger.core import RESERVED_ATTRS

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,64}")  # used with fullmatch: no trailing newline slips through
_current: contextvars.ContextVar[str] = contextvars.ContextVar("sunlight_request_id", default="")


def current_request_id() -> str:
    return _current.get()


def bind_request_id(value: str) -> contextvars.Token:
    return _current.set(value if value and _SANE.fullmatch(value) else "")


def unbind_request_id(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    """First in the chain, so every later log line of the request carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(HEADER, "")
        request_id = offered if _SANE.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a response after the middleware has returned: its record carries the request.
        from_request = getattr(getattr(record, "request", None), "request_id", "")
        record.request_id = getattr(record, "request_id", "") or _current.get() or from_request
        return True


class JsonFormatter(_json.JsonFormatter):
    """python-json-logger's, without the request object Django attaches (its repr has the query string)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data: dict) -> dict:
        # Every value is scrubbed before it is serialised (a scrub of the finished line could cut a JSON
        # escape in two): the message, the traceback and extra fields such as Celery's task arguments.
        return scrub_values(super().process_log_record(log_data))


class TextFormatter(logging.Formatter):
    """The development format; the whole line is scrubbed, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


# Local part and domain in any script, and the percent-encoded form a URL carries (a%40example.com).
# A match starts only where a local part can start (the look-behind): without it, a long run of word
# characters is scanned again from each of its positions, quadratic in the line's length.
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# What names a credential, snake_case and HTTP_ forms included (new_password, access_token, client_secret,
# HTTP_X_SESSION_TOKEN, sessionid).
_SECRET_NAME = r"password|passwd|secret|token|api[_-]?key|authorization|cookie|session[_-]?(?:id|key)"  # noqa: S105  # nosec B105 - names, not a password
# key=value, key: value, "key": "value" or 'key': 'value' pairs whose key names a credential; a quoted value
# is redacted up to its closing quote, spaces and all.
# A match starts only at the start of a name (the look-behind) that contains a credential's name (the
# look-ahead): tried from every position instead, a long run of "-" or "_" took seconds (quadratic). Every
# run of spaces has one place to go (no "\s*\[?\s*", which splits a run of spaces every possible way), and
# a value already redacted is left as it is (scrubbing twice changes nothing).
_SECRET = re.compile(
    rf"(?i)(?<![\w-])(?=[\w-]*?(?:{_SECRET_NAME}))([\w-]+)"
    r"([\"']?\s*[:=]\s*(?:\[\s*)*)(?!\[redacted\]|redacted\])"
    r"(\"[^\"\n]*\"|'[^'\n]*'|[\"']?(?:(?:Bearer|Basic|Token)\s+)?[^\s\"'&,;}\]]+)"
)
_SECRET_KEY = re.compile(rf"(?i)(?:{_SECRET_NAME})")
# One-time keys in URLs: password-reset and email-confirmation links.
_URL_KEYS = re.compile(r"(/(?:key|confirm-email)/)[^/\s\"']+")


def _redacted(match: re.Match) -> str:
    value = match.group(3)
    quote = value[0] if value[0] in "\"'" else ""
    closing = quote if quote and len(value) > 1 and value.endswith(quote) else ""
    return f"{match.group(1)}{match.group(2)}{quote}[redacted]{closing}"


def scrub(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _URL_KEYS.sub(r"\1[redacted]", text)
    return _SECRET.sub(_redacted, text)


def scrub_values(value: object) -> object:
    """A log record's fields, scrubbed: strings as text, a field named like a credential wholly, and any
    other object by its text (what the JSON encoder would write)."""
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {
            key: "[redacted]" if _SECRET_KEY.search(str(key)) else scrub_values(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub_values(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # as python-json-logger writes them
    return scrub(str(value))


class PrivateDataFilter(logging.Filter):
    """Renders the record's message once, scrubbed; the arguments are then dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format or an argument whose __str__ fails: logging never raises
            try:
                message = str(record.msg)
            except Exception:
                message = "(a log message that could not be rendered)"
        clean = scrub(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


# --- Celery: the id travels as a message header and is bound while the task runs ----------------------
_HEADER_NAME = "sunlight_request_id"
_task_tokens: dict[str, contextvars.Token] = {}


def _carry_request_id(headers: dict | None = None, **_kwargs: object) -> None:
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault(_HEADER_NAME, request_id)


def _bind_task_request_id(task_id: str | None = None, task: object = None, **_kwargs: object) -> None:
    request = getattr(task, "request", None)
    carried = getattr(request, _HEADER_NAME, None) or (getattr(request, "headers", None) or {}).get(
        _HEADER_NAME
    )
    if carried and task_id:  # eager tasks run inside the request and already have its id
        _task_tokens[task_id] = bind_request_id(carried)


def _unbind_task_request_id(task_id: str | None = None, **_kwargs: object) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        unbind_request_id(token)


def connect_celery() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_carry_request_id, weak=False)
    task_prerun.connect(_bind_task_request_id, weak=False)
    task_postrun.connect(_unbind_task_request_id, weak=False)


# --- Error reporting ------------------------------------------------------------------------------------
def _before_send(event: dict, _hint: dict) -> dict:
    """No personal data leaves: request headers, cookies, bodies and user fields are dropped, and
    every message and exception value is scrubbed like a log line."""
    request = event.get("request") or {}
    for key in ("cookies", "data", "headers", "env", "query_string"):
        request.pop(key, None)
    if isinstance(request.get("url"), str):
        request["url"] = scrub(request["url"])
    event.pop("user", None)
    if event.get("logentry", {}).get("message"):
        event["logentry"]["message"] = scrub(event["logentry"]["message"])
        event["logentry"].pop("params", None)
    for value in (event.get("exception") or {}).get("values") or []:
        if isinstance(value.get("value"), str):
            value["value"] = scrub(value["value"])
    request_id = _current.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_before_send,
    )
