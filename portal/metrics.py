"""Prometheus metrics at ``/metrics``, for the scraper only.

Requests and latencies come from django-prometheus's middleware (per view, method and status; with
``PROMETHEUS_MULTIPROC_DIR`` set every gunicorn worker's figures are added up). Read at scrape time:
the length of each task queue, decisions by kind and state, and task outcomes, which workers count in
Redis (``sunlight:metrics:tasks``) so that any web instance reports every worker's.

The endpoint is not public: it answers 404 unless ``SUNLIGHT_METRICS_TOKEN`` is set and the scraper
sends it as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

TASKS_KEY = "sunlight:metrics:tasks"
OUTCOMES = ("succeeded", "failed", "retried")


@functools.cache
def _redis_for(url: str):  # noqa: ANN202 - a redis.Redis: one connection pool per process
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _broker_redis():  # noqa: ANN202 - a redis.Redis, or None without a Redis broker
    url = settings.CELERY_BROKER_URL
    if settings.SUNLIGHT_TASKS_IN_PROCESS or not url.startswith(("redis://", "rediss://")):
        return None
    return _redis_for(url)


def queue_names() -> dict[str, str]:
    return {"default": settings.CELERY_TASK_DEFAULT_QUEUE, **settings.SUNLIGHT_QUEUES}


# --- Task outcomes, counted by the workers ------------------------------------------------------------
def _count_outcome(outcome: str, sender: object = None, **_kwargs: object) -> None:
    client = _broker_redis()
    name = getattr(sender, "name", None) or str(sender)
    if client is None:
        return
    try:
        client.hincrby(TASKS_KEY, f"{name}|{outcome}", 1)
    except Exception as exc:  # metrics never fail a task
        logger.warning("task outcome not counted: %s", exc.__class__.__name__)


def _succeeded(sender: object = None, **kwargs: object) -> None:
    _count_outcome("succeeded", sender)


def _failed(sender: object = None, **kwargs: object) -> None:
    _count_outcome("failed", sender)


def _retried(sender: object = None, **kwargs: object) -> None:
    _count_outcome("retried", sender)


def connect_celery() -> None:
    from celery.signals import task_failure, task_retry, task_success

    task_success.connect(_succeeded, weak=False)
    task_failure.connect(_failed, weak=False)
    task_retry.connect(_retried, weak=False)


# --- Read at scrape time ------------------------------------------------------------------------------
class SunlightCollector:
    def collect(self):  # noqa: ANN201 - a generator of metric families
        from appeals.models import Decision

        decisions = GaugeMetricFamily(
            "sunlight_decisions", "Decisions in the ledger, by kind and state.", labels=["kind", "state"]
        )
        for row in Decision.objects.values("kind", "state").annotate(n=Count("id")).order_by():
            decisions.add_metric([row["kind"], row["state"]], row["n"])
        yield decisions

        client = _broker_redis()
        if client is None:
            return
        queues = GaugeMetricFamily(
            "sunlight_queue_length", "Tasks waiting in each Celery queue.", labels=["queue", "name"]
        )
        outcomes = CounterMetricFamily(
            "sunlight_tasks",
            "Task runs by task and outcome, counted by the workers.",
            labels=["task", "outcome"],
        )
        try:
            for kind, name in queue_names().items():
                queues.add_metric([kind, name], client.llen(name))
            for field, value in client.hgetall(TASKS_KEY).items():
                task, _sep, outcome = field.decode().partition("|")
                outcomes.add_metric([task, outcome], int(value))
        except Exception as exc:  # the broker down: the scrape still answers, without these
            logger.warning("queue metrics unavailable: %s", exc.__class__.__name__)
            return
        yield queues
        yield outcomes


def _authorised(request: HttpRequest) -> bool:
    token = settings.SUNLIGHT_METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    ours = CollectorRegistry()
    ours.register(SunlightCollector())
    return HttpResponse(body + generate_latest(ours), content_type=CONTENT_TYPE_LATEST)
