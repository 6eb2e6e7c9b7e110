"""Where the bytes live: one small interface, a local content-addressed backend and an S3 backend.

Keys are the SHA-256 of the bytes, so a name sent by a client never reaches a path.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from platform_shared.errors import PayloadTooLarge

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Spooled:
    """An upload written to a private temporary file, with its size and digest."""

    path: Path
    size: int
    sha256: str


class Storage(Protocol):
    def put(self, spooled: Spooled) -> str:
        """Store the spooled file's bytes; return their key (idempotent for equal bytes)."""

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream bytes ``start`` to ``end`` (inclusive; ``None``: to the end)."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def spool(stream: BinaryIO, tmp_dir: Path, max_bytes: int | None = None) -> Spooled:
    """Copy ``stream`` to a temporary file while hashing it; 413 as soon as it passes ``max_bytes``."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="upload-", delete=False)  # noqa: SIM115 (closed below)
    try:
        with handle:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise PayloadTooLarge(f"The file is larger than the limit of {max_bytes} bytes.")
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        os.unlink(handle.name)
        raise
    return Spooled(Path(handle.name), size, digest.hexdigest())


def spool_bytes(data: bytes, tmp_dir: Path) -> Spooled:
    return spool(io.BytesIO(data), tmp_dir)


def read_all(storage: Storage, key: str) -> bytes:
    return b"".join(storage.read(key))


class LocalStorage:
    """Content-addressed files under ``root/objects/ab/cd/<sha256>``, written atomically (temp + rename)."""

    def __init__(self, root: Path):
        self.root = root
        self.objects = root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)

    def path_of(self, key: str) -> Path:
        if len(key) != 64 or any(char not in "0123456789abcdef" for char in key):
            raise ValueError("not a storage key")
        return self.objects / key[:2] / key[2:4] / key

    def put(self, spooled: Spooled) -> str:
        target = self.path_of(spooled.sha256)
        if target.exists():
            spooled.path.unlink(missing_ok=True)
            return spooled.sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(spooled.path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(spooled.path, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return spooled.sha256

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self.path_of(key)
        handle = open(path, "rb")  # noqa: SIM115 (opened now so a missing file fails here; closed by the generator)

        def _chunks() -> Iterator[bytes]:
            with handle:
                handle.seek(start)
                remaining = None if end is None else end - start + 1
                while remaining is None or remaining > 0:
                    chunk = handle.read(CHUNK_BYTES if remaining is None else min(CHUNK_BYTES, remaining))
                    if not chunk:
                        return
                    if remaining is not None:
                        remaining -= len(chunk)
                    yield chunk

        return _chunks()

    def exists(self, key: str) -> bool:
        return self.path_of(key).exists()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket (MinIO in docker-compose); keys are the SHA-256 under ``blobs/``."""

    def __init__(self, *, endpoint_url: str, bucket: str, region: str, access_key_id: str, secret_access_key: str):
        import boto3

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
        )

    @staticmethod
    def _object_key(key: str) -> str:
        return f"blobs/{key}"

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, spooled: Spooled) -> str:
        try:
            self.client.upload_file(str(spooled.path), self.bucket, self._object_key(spooled.sha256))
        finally:
            spooled.path.unlink(missing_ok=True)
        return spooled.sha256

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        byte_range = f"bytes={start}-{'' if end is None else end}"
        body = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key), Range=byte_range)["Body"]
        return body.iter_chunks(CHUNK_BYTES)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
            return True
        except ClientError:
            return False

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))


def make_storage(settings) -> Storage:
    """The backend ``STORAGE_BACKEND`` names (local by default)."""
    if settings.storage_backend == "s3":
        storage = S3Storage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
        storage.ensure_bucket()
        return storage
    if settings.storage_backend != "local":
        raise ValueError(f"unknown STORAGE_BACKEND {settings.storage_backend!r}")
    return LocalStorage(settings.data_path / "blobs")


def tmp_dir(settings) -> Path:
    return settings.data_path / "documents-tmp"
