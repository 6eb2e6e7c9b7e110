"""The notification settings: SMTP port and TLS mode, default language, sending figures."""

import pytest

from notification import config
from notification.domain.rendering import LANGUAGES
from platform_shared.config import ConfigError


def _load(**environ):
    return config.load(environ={"DATABASE_URL": "sqlite://", **environ})


def _error(**environ) -> str:
    with pytest.raises(ConfigError) as raised:
        _load(**environ)
    return raised.value.message


def test_the_smtp_port_is_an_integer_tcp_port():
    assert _load(SMTP_PORT="587").smtp_port == 587
    assert "SMTP_PORT='25x' must be a valid integer, unable to parse string as an integer" in _error(SMTP_PORT="25x")
    assert "SMTP_PORT='0' must be greater than or equal to 1" in _error(SMTP_PORT="0")
    assert "SMTP_PORT='70000' must be less than or equal to 65535" in _error(SMTP_PORT="70000")


def test_tls_from_the_first_byte_and_starttls_exclude_each_other():
    assert _load(SMTP_STARTTLS="true").smtp_starttls is True
    assert _load(SMTP_TLS="true").smtp_tls is True
    assert _error(SMTP_TLS="true", SMTP_STARTTLS="true").splitlines()[1] == (
        "  SMTP_TLS (TLS from the first byte, port 465) and SMTP_STARTTLS cannot both be true"
    )
    assert "SMTP_STARTTLS='sometimes' must be true or false" in _error(SMTP_STARTTLS="sometimes")


def test_the_default_language_is_one_the_templates_are_written_in():
    assert _load(DEFAULT_LANGUAGE="EN").default_language == "en"
    assert LANGUAGES == ("fr", "en")
    assert "DEFAULT_LANGUAGE='de' must be 'fr' or 'en'" in _error(DEFAULT_LANGUAGE="de")


def test_sending_figures_are_positive_and_delays_may_be_zero():
    assert _load(RETRY_BASE_SECONDS="0", DEBOUNCE_SECONDS="0").debounce_seconds == 0
    assert "SEND_MAX_ATTEMPTS='0' must be greater than 0" in _error(SEND_MAX_ATTEMPTS="0")
    assert "DEBOUNCE_SECONDS='-5' must be greater than or equal to 0" in _error(DEBOUNCE_SECONDS="-5")
