"""The documents settings: typed choices, and the message that names a bad variable and its allowed values."""

from typing import get_args

import pytest

from documents import config
from documents.conversion.converters import make_converter
from documents.domain.files import CONTENT_TYPES
from platform_shared.config import ConfigError


def _load(**environ):
    return config.load(environ={"DATABASE_URL": "sqlite://", **environ})


def _error(**environ) -> str:
    with pytest.raises(ConfigError) as raised:
        _load(**environ)
    return raised.value.message


def test_the_converter_is_one_the_service_builds_written_in_any_case():
    assert _load(CONVERTER="Gotenberg").converter == "gotenberg"
    assert _load().converter == "auto"
    assert "CONVERTER='libreoffice' must be 'auto', 'unoserver', 'gotenberg', 'soffice' or 'none'" in _error(
        CONVERTER="libreoffice"
    )


@pytest.mark.parametrize("name", [name for name in get_args(config.ConverterName) if name != "auto"])
def test_every_converter_choice_builds_that_converter(name, tmp_path):
    assert make_converter(_load(DATA_DIR=str(tmp_path)), name).name == name


def test_the_storage_backend_is_local_or_s3():
    assert _load(STORAGE_BACKEND="S3").storage_backend == "s3"
    assert "STORAGE_BACKEND='ftp' must be 'local' or 's3'" in _error(STORAGE_BACKEND="ftp")


def test_allowed_types_are_types_the_service_recognises():
    assert _load(ALLOWED_TYPES="PDF, png").allowed_types == ("pdf", "png")
    assert set(config.DEFAULT_ALLOWED_TYPES) <= set(CONTENT_TYPES)
    assert (
        "ALLOWED_TYPES='pdf,exe': item 2 ('exe') must be 'pdf', 'png', 'jpeg', 'docx', 'xlsx', 'odt', 'txt' or 'csv'"
        in _error(ALLOWED_TYPES="pdf,exe")
    )


def test_sizes_and_timeouts_are_positive_numbers():
    assert "MAX_UPLOAD_BYTES='20MB' must be a valid integer" in _error(MAX_UPLOAD_BYTES="20MB")
    assert "CONVERTER_SLOTS='0' must be greater than 0" in _error(CONVERTER_SLOTS="0")
    assert "CONVERTER_TIMEOUT_SECONDS='-1' must be greater than 0" in _error(CONVERTER_TIMEOUT_SECONDS="-1")


def test_the_issue_s_examples_are_refused_together_in_one_message():
    lines = _error(CONVERTER="libreoffice", CONSUMER_RETRY_DELAYS_MS="abc").splitlines()
    assert lines[0] == "documents: refusing to start with invalid settings:"
    assert [line.split("=")[0].strip() for line in lines[1:]] == ["CONSUMER_RETRY_DELAYS_MS", "CONVERTER"]
