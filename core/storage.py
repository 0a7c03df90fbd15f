"""Media in an S3-compatible object store (``SUNLIGHT_STORAGE=s3``; README "Production").

Two buckets, neither readable by URL alone. The **public** one holds what readers see (display copies,
thumbnails, video renditions and posters) under content-hashed names that never change, stored with a
year-long immutable ``Cache-Control``. Pages still link to Sunlight's own ``/media/…`` URLs: the view checks
who may see the note, as with local files, then redirects to a presigned URL — valid an hour for a published
note's copy (or the CDN's URL, when one reads the bucket), ``PRESIGN_SECONDS`` for anything else (a draft
for its author, a removed note for staff). The **private** bucket holds the untouched originals,
original-size downloads and appeal evidence; staff and owners get presigned URLs after the usual checks.

The object store unreachable at upload time is a clear 503 (``StorageUnavailable``) and the caller's
transaction rolls back, leaving nothing half saved; at serving time pages still render (URLs are computed
without calling the store) and only the images themselves fail to load.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import IO

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import File
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from s3transfer.exceptions import RetriesExceededError, S3DownloadFailedError, S3UploadFailedError
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name

from core.errors import DomainError

logger = logging.getLogger(__name__)

# botocore's own errors, and the transfer manager's (uploads and downloads of whole objects go through
# s3transfer, which wraps what failed in exceptions of its own or boto3's).
_UNREACHABLE = (
    BotoCoreError,
    ClientError,
    OSError,
    Boto3Error,
    RetriesExceededError,
    S3DownloadFailedError,
    S3UploadFailedError,
)


class StorageUnavailable(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The file store cannot be reached right now, so nothing was saved. "
                "Please try again in a minute."
            ),
            code="storage_unavailable",
            status=503,
        )


@contextmanager
def _guarded(name: str, doing: str) -> Iterator[None]:
    """The store's errors as Sunlight's: a missing object is FileNotFoundError, anything else
    StorageUnavailable (a 503 for a request, a retry for a task)."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError(name) from exc
        logger.warning("object store unreachable on %s: %s", doing, exc.__class__.__name__)
        raise StorageUnavailable from exc
    except FileNotFoundError:
        raise
    except _UNREACHABLE as exc:
        logger.warning("object store unreachable on %s: %s", doing, exc.__class__.__name__)
        raise StorageUnavailable from exc


class _GuardedFile(S3File):
    """An object's bytes are fetched on first use (a read, a seek, a re-open of the same field file), not
    when it is opened: that fetch is guarded too, and one that fails leaves nothing half read behind
    (django-storages would keep the partial temporary file and serve it on the next read)."""

    def _get_file(self) -> IO:
        if self._file is not None:
            return self._file
        try:
            with _guarded(self.name, "read"):
                return super()._get_file()
        except Exception:
            if self._file is not None:
                self._file.close()
            self._file = None
            raise

    file = property(_get_file, S3File._set_file)


class _Bucket(S3Storage):
    """Errors of the store become ``StorageUnavailable``; a delete that fails is logged, not raised (the
    row is already gone; an orphaned object is harmless and the log says which)."""

    def save(self, name: str | None, content: File, max_length: int | None = None) -> str:
        try:
            return super().save(name, content, max_length)
        except _UNREACHABLE as exc:
            logger.warning("object store unreachable on save: %s", exc.__class__.__name__)
            raise StorageUnavailable from exc

    def _open(self, name: str, mode: str = "rb") -> File:
        with _guarded(name, "open"):
            return _GuardedFile(self._normalize_name(clean_name(name)), mode, self)

    def delete(self, name: str) -> None:
        try:
            super().delete(name)
        except _UNREACHABLE as exc:
            logger.warning("object %s not deleted: %s", name, exc.__class__.__name__)

    def presigned_url(
        self,
        name: str,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        seconds: int | None = None,
        cache_control: str | None = None,
    ) -> str:
        """A GET URL for this object alone, valid ``seconds`` (``SUNLIGHT_S3['PRESIGN_SECONDS']``);
        computed locally, without calling the store. ``cache_control`` replaces the stored object's
        header in this one answer."""
        params = {"Bucket": self.bucket_name, "Key": self._normalize_name(clean_name(name))}
        if cache_control:
            params["ResponseCacheControl"] = cache_control
        if filename:
            params["ResponseContentDisposition"] = content_disposition_header(True, filename)
        if content_type:
            params["ResponseContentType"] = content_type
        return self.connection.meta.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=seconds or settings.SUNLIGHT_S3["PRESIGN_SECONDS"]
        )


class PublicMediaStorage(_Bucket):
    """What readers see. ``url()`` is Sunlight's permission-checking view; ``cdn_url()`` the CDN's."""

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        }

    def save(self, name: str | None, content: File, max_length: int | None = None) -> str:
        """The name carries the first 16 hex digits of the content's SHA-256: a changed file is a new
        name, so the year-long cache is never stale."""
        digest = hashlib.sha256()
        for chunk in content.chunks():
            digest.update(chunk)
        content.seek(0)
        root, ext = posixpath.splitext(name or content.name or "file")
        return super().save(f"{root}.{digest.hexdigest()[:16]}{ext}", content, max_length)

    def url(
        self,
        name: str,
        parameters: dict | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        return settings.MEDIA_URL + name

    def cdn_url(self, name: str, *, seconds: int) -> str:
        """The object under the CDN's host name. With the CDN's signing key (``cloudfront_key_id`` and
        ``cloudfront_key``: CloudFront's signed URLs) it expires after ``seconds`` like a presigned URL;
        without one, anyone who has it may use it until the object is deleted and the CDN forgets it."""
        url = super().url(name)  # querystring_auth is off: the plain CDN address
        if self.cloudfront_signer is None:
            return url
        return self.cloudfront_signer.generate_presigned_url(
            url, date_less_than=timezone.now() + timedelta(seconds=seconds)
        )


class PrivateMediaStorage(_Bucket):
    """Originals and evidence: never public; presigned URLs only."""

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            "querystring_auth": True,
            "file_overwrite": False,
            "default_acl": None,
        }


def redirect_target(
    field_file: FieldFile, *, public: bool, filename: str | None = None, content_type: str | None = None
) -> str | None:
    """Where a permission-checked view sends the browser for a stored file, or None when the storage
    is local (the view then streams the file itself)."""
    storage = field_file.storage
    if not isinstance(storage, _Bucket):
        return None
    if public and isinstance(storage, PublicMediaStorage) and not filename:
        # Neither bucket is readable by URL alone: a published copy gets a URL valid for an hour (the
        # browser keeps the object under it), so a removal takes effect within the hour for anyone who
        # had the URL. Behind a CDN that reads the bucket with its own access, the CDN's URL (signed
        # when it has a key: then the same hour holds).
        seconds = settings.SUNLIGHT_S3["PUBLIC_PRESIGN_SECONDS"]
        if storage.custom_domain:
            return storage.cdn_url(field_file.name, seconds=seconds)
        return storage.presigned_url(field_file.name, seconds=seconds)
    # A draft's copy (for its author), a removed note's (for staff), a download or evidence: the answer
    # says "private, no-store" too, not the public copy's year-long header, so no cache on the way keeps it.
    return storage.presigned_url(
        field_file.name, filename=filename, content_type=content_type, cache_control="private, no-store"
    )
