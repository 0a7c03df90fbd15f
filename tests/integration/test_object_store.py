"""Issue 16: media in an S3-compatible object store — a real S3 API server on loopback (moto's server
mode), gunicorn with production settings and real workers: upload, scan from the bucket, serve, delete
with the note; the store down at upload time and at serving time."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from notes.models import NoteImage
from tests.images import a1111_png_bytes, jpeg_bytes
from tests.integration.test_production_shape import (  # noqa: F401 - production: a fixture
    _free_port,
    _production_user,
    production,
    signed_in,
)
from tests.support import wait_for

pytestmark = pytest.mark.integration

PUBLIC, PRIVATE = "sunlight-public", "sunlight-private"


@pytest.fixture
def object_store(tmp_path) -> Iterator[dict]:
    port = _free_port()
    log = tmp_path / "moto.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert server.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    client.create_bucket(Bucket=PUBLIC)
    client.create_bucket(Bucket=PRIVATE)
    # Neither bucket is readable by URL alone (the default): Sunlight hands out presigned URLs.
    env = {
        "SUNLIGHT_STORAGE": "s3",
        "SUNLIGHT_S3_ENDPOINT_URL": endpoint,
        "SUNLIGHT_S3_ACCESS_KEY_ID": "k",
        "SUNLIGHT_S3_SECRET_ACCESS_KEY": "s",
        "SUNLIGHT_S3_PUBLIC_BUCKET": PUBLIC,
        "SUNLIGHT_S3_PRIVATE_BUCKET": PRIVATE,
    }
    try:
        yield {"env": env, "client": client, "endpoint": endpoint}
    finally:
        server.terminate()
        server.wait(timeout=20)


def _keys(client, bucket: str, note_id: str) -> list[str]:
    found = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return sorted(o["Key"] for o in found if note_id in o["Key"])


def _sign_in_with_a_browser_session(instance, email: str, password: str) -> dict[str, str]:
    form = instance.get("/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookies = form.cookies.get_dict()
    response = instance.post(
        "/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": csrf},
        cookies=cookies,
        headers={"Referer": f"https://127.0.0.1:{instance.port}/accounts/login/"},
    )
    assert response.status_code == 302, response.text[:300]
    return {**cookies, **response.cookies.get_dict()}


def test_media_live_in_two_buckets_are_scanned_from_them_served_from_them_and_go_with_the_note(
    production,  # noqa: F811
    object_store,
):
    from tests.factories import PASSWORD

    s3, client = object_store["env"], object_store["client"]
    production["workers"].start(queues=("default", "scans", "mail", "periodic"), **s3)
    instance = production["start"](**s3)
    creator = _production_user(language="en")
    token = signed_in(instance, creator)

    note_id = instance.post("/api/v1/notes/", json={"title": "Harbour", "body": ""}, headers=token).json()[
        "id"
    ]
    upload = instance.post(
        f"/api/v1/notes/{note_id}/images/", files={"image": ("harbour.png", a1111_png_bytes())}, headers=token
    )
    assert upload.status_code == 201, upload.text
    image_id = upload.json()["images"][0]["id"]

    # The original in the private bucket, the copies readers see in the public one, content-hashed.
    (original_key,) = _keys(client, PRIVATE, note_id)
    for bucket, key in [(PRIVATE, original_key), *((PUBLIC, k) for k in _keys(client, PUBLIC, note_id))]:
        assert requests.get(f"{object_store['endpoint']}/{bucket}/{key}", timeout=10).status_code == 403
    public_keys = _keys(client, PUBLIC, note_id)
    assert len(public_keys) == 2 and all(re.search(r"\.[0-9a-f]{16}\.(webp|jpg)$", k) for k in public_keys)
    image = NoteImage.objects.get(public_id=image_id)
    assert image.original.name.startswith("originals/") and image.display.name in public_keys

    # A draft's copy: not for others; its author is sent to a short-lived presigned URL.
    display_path = f"/media/{image.display.name}"
    assert instance.get(display_path).status_code == 404
    cookies = _sign_in_with_a_browser_session(instance, creator.email, PASSWORD)
    owner = instance.get(display_path, cookies=cookies)
    assert owner.status_code == 302 and owner.headers["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in owner.headers["Location"] and "X-Amz-Expires=60" in owner.headers["Location"]
    draft_copy = requests.get(owner.headers["Location"], timeout=10)
    # Not the public copy's year-long header: no cache on the way keeps a draft.
    assert draft_copy.status_code == 200 and draft_copy.headers["Cache-Control"] == "private, no-store"

    # Published: the worker scanned the original from the private bucket and decided the label.
    declared = instance.put(
        f"/api/v1/notes/{note_id}/declaration/",
        json={"degree": "none", "text_degree": "none", "images": {image_id: "none"}},
        headers=token,
    )
    assert declared.status_code == 200, declared.text
    assert instance.post(f"/api/v1/notes/{note_id}/publish/", headers=token).status_code == 200

    def tiers() -> list[str]:
        return [
            label["tier"]
            for label in instance.get(f"/api/v1/feed/{note_id}/", headers=token).json()["labels"]
        ]

    wait_for(lambda: "suspected" in tiers(), timeout=60, interval=0.5)
    image.refresh_from_db()
    assert image.scan.status == "done" and image.signals.filter(kind="generator").exists()

    # Everyone may see it now: the view sends them to the bucket with an hour's URL; the object under it
    # is cached for a year (its name changes with its content).
    public = instance.get(f"/media/{image.display.name}")
    assert public.status_code == 302 and public.headers["Cache-Control"] == "public, max-age=60"
    location = public.headers["Location"]
    assert location.startswith(f"{object_store['endpoint']}/{PUBLIC}/{image.display.name}?")
    assert "X-Amz-Expires=3600" in location
    served = requests.get(location, timeout=10)
    assert served.status_code == 200 and served.content[:4] in (
        b"RIFF",
        b"\xff\xd8\xff\xe0",
        b"\xff\xd8\xff\xdb",
    )
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The page itself links to Sunlight's checked URL, never to the bucket.
    page = instance.get(f"/notes/{note_id}/")
    assert page.status_code == 200 and f'src="/media/{image.display.name}"' in page.text

    # Deleting the note deletes the copies readers saw; its original stays, private, as the evidence of
    # the decision made about it (the ledger outlives the note).
    assert instance.delete(f"/api/v1/notes/{note_id}/", headers=token).status_code == 204
    wait_for(lambda: not _keys(client, PUBLIC, note_id), timeout=30)
    assert _keys(client, PRIVATE, note_id) == [original_key]

    # A note no decision concerns leaves nothing behind in either bucket.
    plain = instance.post("/api/v1/notes/", json={"title": "Lake", "body": ""}, headers=token).json()["id"]
    files = {"image": ("lake.jpg", jpeg_bytes())}
    assert instance.post(f"/api/v1/notes/{plain}/images/", files=files, headers=token).status_code == 201
    assert _keys(client, PUBLIC, plain) and _keys(client, PRIVATE, plain)
    assert instance.delete(f"/api/v1/notes/{plain}/", headers=token).status_code == 204
    wait_for(lambda: not _keys(client, PUBLIC, plain) and not _keys(client, PRIVATE, plain), timeout=30)


def test_the_store_down_refuses_uploads_cleanly_and_pages_still_render(production, object_store):  # noqa: F811

    creator = _production_user(language="en")
    from tests.notes.conftest import make_published

    published = make_published(creator, images=1)
    display = published.images.get().display.name
    dead = {**object_store["env"], "SUNLIGHT_S3_ENDPOINT_URL": f"http://127.0.0.1:{_free_port()}"}
    instance = production["start"](**dead)
    token = signed_in(instance, creator)
    note_id = instance.post("/api/v1/notes/", json={"title": "Lake", "body": ""}, headers=token).json()["id"]
    upload = instance.post(
        f"/api/v1/notes/{note_id}/images/", files={"image": ("lake.jpg", jpeg_bytes())}, headers=token
    )
    assert upload.status_code == 503, upload.text
    error = upload.json()["error"]
    assert error["code"] == "storage_unavailable" and "nothing was saved" in error["message"]
    assert not NoteImage.objects.filter(note__public_id=note_id).exists()
    # Serving with the store down: the pages render (URLs are made without calling it) and link the
    # copies through Sunlight, which still answers; only the image bytes fail to load in the browser.
    page = instance.get(f"/notes/{published.public_id}/")
    assert page.status_code == 200 and f'src="/media/{display}"' in page.text
    assert instance.get("/").status_code == 200
    assert instance.get(f"/media/{display}").status_code == 302


def test_two_instances_share_the_database_redis_and_the_object_store(production, object_store):  # noqa: F811
    """Sign in on one instance, upload and publish on the other; the worker scans the original from the
    bucket, and both instances show the label and serve the copy from the store."""

    s3 = object_store["env"]
    production["workers"].start(queues=("default", "scans", "mail", "periodic"), **s3)
    one, two = production["start"](**s3), production["start"](**s3)
    creator = _production_user(language="en")
    token = signed_in(one, creator)

    note_id = two.post("/api/v1/notes/", json={"title": "Dusk", "body": ""}, headers=token).json()["id"]
    upload = two.post(
        f"/api/v1/notes/{note_id}/images/", files={"image": ("dusk.png", a1111_png_bytes())}, headers=token
    )
    assert upload.status_code == 201, upload.text
    image_id = upload.json()["images"][0]["id"]
    declaration = {"degree": "none", "text_degree": "none", "images": {image_id: "none"}}
    assert (
        one.put(f"/api/v1/notes/{note_id}/declaration/", json=declaration, headers=token).status_code == 200
    )
    assert two.post(f"/api/v1/notes/{note_id}/publish/", headers=token).status_code == 200

    def tiers(instance) -> list[str]:
        note = instance.get(f"/api/v1/feed/{note_id}/", headers=token).json()
        return [label["tier"] for label in note["labels"]]

    wait_for(lambda: "suspected" in tiers(one) and "suspected" in tiers(two), timeout=60, interval=0.5)
    display = NoteImage.objects.get(public_id=image_id).display.name
    for instance in (one, two):
        redirect = instance.get(f"/media/{display}")
        assert redirect.status_code == 302
        assert requests.get(redirect.headers["Location"], timeout=10).status_code == 200


class _StallingProxy:
    """Forwards to the object store on loopback, except that a GET is never answered: a store that
    answers the HEAD, then stalls on the bytes (a real socket that goes quiet, not a mocked client)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.gets = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_client and data.startswith(b"GET "):
                    self.gets += 1
                    continue  # swallowed: the client waits for an answer that never comes
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


def test_a_store_that_stalls_after_the_head_is_storage_unavailable_not_a_raw_error(object_store):
    """A stored file's bytes are fetched inside the storage's guard, on the first read or on a re-open,
    so a read that times out is the same clear StorageUnavailable (a 503 for a request, a retry for a
    task) as a store that is down."""
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    from core.storage import PrivateMediaStorage, StorageUnavailable

    object_store["client"].put_object(Bucket=PRIVATE, Key="originals/stalled.jpg", Body=jpeg_bytes())
    options = {
        "bucket_name": PRIVATE,
        "access_key": "k",
        "secret_key": "s",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "client_config": Config(read_timeout=1, connect_timeout=1, retries={"max_attempts": 1}),
        "transfer_config": TransferConfig(num_download_attempts=1),  # as in production settings
    }
    healthy = PrivateMediaStorage(endpoint_url=object_store["endpoint"], **options)
    with healthy.open("originals/stalled.jpg") as file:
        assert file.read() == jpeg_bytes()

    proxy = _StallingProxy(int(object_store["endpoint"].rsplit(":", 1)[1]))
    try:
        stalling = PrivateMediaStorage(endpoint_url=f"http://127.0.0.1:{proxy.port}", **options)
        assert stalling.exists("originals/stalled.jpg")  # the HEAD is answered
        file = stalling.open("originals/stalled.jpg")
        with pytest.raises(StorageUnavailable):
            file.read()
        # Nothing half read is kept: reading again (or re-opening the same file) asks the store again.
        with pytest.raises(StorageUnavailable):
            file.open("rb")
        assert proxy.gets >= 2
        file.close()
    finally:
        proxy.close()
