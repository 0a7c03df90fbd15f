"""Two creators adding the same new topic at the same moment, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from notes import services
from notes.models import Topic
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_ten_creators_adding_one_new_topic_at_once_all_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("insert races under real concurrency are tested on PostgreSQL (CI's second run)")
    authors = [UserFactory() for _ in range(10)]
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def create(author) -> None:
        try:
            barrier.wait()
            services.note_create(author=author, title="Race", topics=["Brand new topic"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    topic = Topic.objects.get(slug="brand-new-topic")
    assert topic.notes.count() == 10
