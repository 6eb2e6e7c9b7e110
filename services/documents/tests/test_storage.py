"""The storage contract, run on the local backend always and on S3 where an endpoint is configured."""

import io
import os
import uuid

import pytest

from documents.storage import LocalStorage, S3Storage, read_all, spool, spool_bytes
from platform_shared.errors import PayloadTooLarge

S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT_URL", "")


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "blobs")
    if not S3_ENDPOINT:
        pytest.skip("no S3 endpoint configured (set TEST_S3_ENDPOINT_URL, e.g. MinIO from docker-compose)")
    storage = S3Storage(
        endpoint_url=S3_ENDPOINT,
        bucket=f"documents-test-{uuid.uuid4().hex[:8]}",
        region="us-east-1",
        access_key_id=os.environ.get("TEST_S3_ACCESS_KEY_ID", "minioadmin"),
        secret_access_key=os.environ.get("TEST_S3_SECRET_ACCESS_KEY", "minioadmin"),
    )
    storage.ensure_bucket()
    return storage


def test_bytes_are_stored_under_their_digest_and_read_back_whole_or_by_range(backend, tmp_path):
    data = b"0123456789" * 10_000
    spooled = spool_bytes(data, tmp_path / "tmp")
    key = backend.put(spooled)
    assert key == spooled.sha256
    assert not spooled.path.exists()
    assert read_all(backend, key) == data
    assert b"".join(backend.read(key, 5, 14)) == data[5:15]


def test_deleted_bytes_are_gone(backend, tmp_path):
    key = backend.put(spool_bytes(b"to be destroyed " + uuid.uuid4().bytes, tmp_path / "tmp"))
    assert backend.exists(key)
    backend.delete(key)
    assert not backend.exists(key)


def test_the_local_backend_writes_outside_the_temporary_directory_and_only_by_rename(tmp_path):
    storage = LocalStorage(tmp_path / "blobs")
    key = storage.put(spool_bytes(b"atomic", tmp_path / "tmp"))
    assert storage.path_of(key).read_bytes() == b"atomic"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_key_that_is_not_a_digest_is_never_turned_into_a_path(tmp_path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path / "blobs").path_of("../../etc/passwd")


def test_spooling_stops_as_soon_as_the_limit_is_passed(tmp_path):
    with pytest.raises(PayloadTooLarge):
        spool(io.BytesIO(b"x" * 1000), tmp_path / "tmp", max_bytes=999)
    assert list((tmp_path / "tmp").iterdir()) == []
