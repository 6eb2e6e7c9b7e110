import secrets
from typing import Annotated

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from platform_shared.cli import ServiceCommands, make_cli
from platform_shared.config import (
    CREDENTIAL,
    DEV_EVENT_SECRET_KEY,
    MIN_SECRET_ENTROPY_BITS,
    ConfigError,
    Settings,
    env_names,
    estimated_entropy_bits,
    load_settings,
    one_of,
)


def test_settings_are_read_from_upper_case_environment_variables():
    settings = load_settings(
        environ={
            "DATABASE_URL": "sqlite:///x.db",
            "RELAY_BATCH_SIZE": "7",
            "LOG_JSON": "false",
            "CONSUMER_RETRY_DELAYS_MS": "10, 20",
        },
        service_name="svc",
    )
    assert settings.database_url == "sqlite:///x.db"
    assert settings.relay_batch_size == 7
    assert settings.log_json is False
    assert settings.retry_delays_ms == [10, 20]
    assert settings.service_name == "svc"


def test_production_refuses_the_development_secrets():
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_settings(environ={"ENV": "production", "DATABASE_URL": "postgresql://db/x"})


PRODUCTION = {
    "ENV": "production",
    "DATABASE_URL": "postgresql://svc:Kq8vT2pLx9wRm4Zs@db/x",
    "AMQP_URL": "amqp://svc:Hn3bW7yQe5uJc1Vd@broker:5672/platform",
    "JWT_SECRET": secrets.token_urlsafe(48),
    "EVENT_SECRET_KEY": secrets.token_hex(32),
}


def test_production_starts_with_real_secrets():
    assert load_settings(environ=PRODUCTION).is_production
    assert load_settings(environ={**PRODUCTION, "DATABASE_URL": "postgresql://db/x"}).is_production  # no password


@pytest.mark.parametrize(
    "name,value,reason",
    [
        ("EVENT_SECRET_KEY", "change-me", "EVENT_SECRET_KEY is a placeholder"),
        ("JWT_SECRET", "change-me-change-me-change-me-change-me", "JWT_SECRET is a placeholder"),
        ("EVENT_SECRET_KEY", DEV_EVENT_SECRET_KEY, "EVENT_SECRET_KEY is the development default"),
        ("JWT_SECRET", secrets.token_urlsafe(16), "JWT_SECRET is shorter than 256 bits"),
        ("JWT_SECRET", "s" * 40, "JWT_SECRET is too predictable"),
        ("EVENT_SECRET_KEY", "abab" * 16, "EVENT_SECRET_KEY is too predictable"),
        ("EVENT_SECRET_KEY", "0123456789" * 4, "EVENT_SECRET_KEY is too predictable"),
        ("DATABASE_URL", "postgresql://svc:change-me-dossier@db/x", "the password in DATABASE_URL is a placeholder"),
        ("AMQP_URL", "amqp://guest:guest@broker:5672/%2F", "the password in AMQP_URL is a placeholder"),
        ("AMQP_URL", "amqp://svc:s3cr3t@broker:5672/%2F", "the password in AMQP_URL is shorter than 12 characters"),
    ],
)
def test_production_refuses_placeholder_short_and_predictable_secrets(name, value, reason):
    with pytest.raises(ConfigError) as raised:
        load_settings(environ={**PRODUCTION, name: value})
    assert reason in raised.value.message


def test_production_checks_the_credentials_a_service_marks_as_such():
    class WithPassword(Settings):
        smtp_password: Annotated[str, CREDENTIAL] = ""

    assert load_settings(WithPassword, environ=PRODUCTION).is_production  # unset is fine
    with pytest.raises(ConfigError, match="SMTP_PASSWORD is a placeholder"):
        load_settings(WithPassword, environ={**PRODUCTION, "SMTP_PASSWORD": "change-me-smtp"})


def test_a_key_drawn_by_secrets_is_estimated_close_to_its_real_entropy():
    assert estimated_entropy_bits(secrets.token_urlsafe(48)) > 300
    assert estimated_entropy_bits("change-me" * 4) < MIN_SECRET_ENTROPY_BITS


def test_the_embedded_default_database_is_a_sqlite_file_per_service(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = load_settings(Settings, "partner-gateway", environ={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'partner_gateway.db'}"


def _error(environ: dict[str, str], cls=Settings) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(cls, "svc", environ={"DATABASE_URL": "sqlite://", **environ})
    return raised.value.message


def test_an_empty_variable_counts_as_unset():
    settings = load_settings(environ={"DATABASE_URL": "sqlite://", "RELAY_BATCH_SIZE": "", "LOG_LEVEL": ""})
    assert (settings.relay_batch_size, settings.log_level) == (200, "INFO")


def test_retry_delays_are_a_comma_separated_list_of_positive_integers():
    assert load_settings(environ={"DATABASE_URL": "sqlite://"}).retry_delays_ms == [1000, 5000, 30000]
    assert load_settings(environ={"CONSUMER_RETRY_DELAYS_MS": " 200 ,500,", "DATABASE_URL": "x"}).retry_delays_ms == [
        200,
        500,
    ]
    assert _error({"CONSUMER_RETRY_DELAYS_MS": "abc"}) == (
        "svc: refusing to start with invalid settings:\n"
        "  CONSUMER_RETRY_DELAYS_MS='abc': item 1 ('abc') must be a valid integer, unable to parse string as an integer"
    )
    assert "CONSUMER_RETRY_DELAYS_MS='100,0': item 2 ('0') must be greater than 0" in _error(
        {"CONSUMER_RETRY_DELAYS_MS": "100,0"}
    )
    assert "item 1 ('[100]')" in _error({"CONSUMER_RETRY_DELAYS_MS": "[100]"})  # never read as JSON


def test_integers_are_integers_and_counts_are_positive():
    assert "RELAY_BATCH_SIZE='20x' must be a valid integer" in _error({"RELAY_BATCH_SIZE": "20x"})
    assert "RELAY_BATCH_SIZE='0' must be greater than 0" in _error({"RELAY_BATCH_SIZE": "0"})
    assert "JWT_LEEWAY_SECONDS='-1' must be greater than or equal to 0" in _error({"JWT_LEEWAY_SECONDS": "-1"})
    assert "HTTP_TIMEOUT_SECONDS='soon' must be a valid number" in _error({"HTTP_TIMEOUT_SECONDS": "soon"})
    assert load_settings(environ={"AMQP_HEARTBEAT_SECONDS": "0", "DATABASE_URL": "x"}).amqp_heartbeat_seconds == 0


def test_booleans_accept_the_usual_spellings_and_refuse_the_others():
    for raw, expected in [("true", True), ("1", True), ("yes", True), ("On", True), ("false", False), ("0", False)]:
        assert load_settings(environ={"LOG_JSON": raw, "DATABASE_URL": "x"}).log_json is expected, raw
    assert "LOG_JSON='flase' must be true or false (or 1/0, yes/no, on/off)" in _error({"LOG_JSON": "flase"})


def test_env_and_log_level_are_choices_written_in_any_case():
    settings = load_settings(environ={"ENV": "Development", "LOG_LEVEL": "debug", "DATABASE_URL": "x"})
    assert (settings.env, settings.log_level) == ("development", "DEBUG")
    assert "ENV='prod' must be 'development' or 'production'" in _error({"ENV": "prod"})
    assert "LOG_LEVEL='loud' must be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'" in _error({"LOG_LEVEL": "loud"})


def test_every_bad_variable_is_named_in_one_message():
    message = _error({"RELAY_BATCH_SIZE": "many", "ENV": "staging", "LOG_JSON": "perhaps"})
    lines = message.splitlines()
    assert lines[0] == "svc: refusing to start with invalid settings:"
    assert sorted(line.split("=")[0].strip() for line in lines[1:]) == ["ENV", "LOG_JSON", "RELAY_BATCH_SIZE"]


def test_overrides_and_replace_are_validated_like_the_environment():
    with pytest.raises(ConfigError, match="RELAY_BATCH_SIZE=-3 must be greater than 0"):
        load_settings(environ={}, database_url="x", relay_batch_size=-3)
    settings = load_settings(environ={}, database_url="x")
    assert settings.replace(relay_batch_size="7").relay_batch_size == 7
    with pytest.raises(ConfigError, match="LOG_LEVEL='LOUD'"):
        settings.replace(log_level="loud")
    with pytest.raises(ConfigError, match="NO_SUCH_SETTING=1 is not a setting of this service"):
        settings.replace(no_such_setting=1)


def test_settings_are_frozen():
    settings = load_settings(environ={}, database_url="x")
    with pytest.raises(ValidationError):
        settings.relay_batch_size = 3


def test_a_command_given_a_bad_setting_prints_the_message_and_exits_1_without_a_traceback(tmp_path):
    cli = make_cli(
        ServiceCommands(
            load_settings=lambda: load_settings(environ={"RELAY_BATCH_SIZE": "lots"}, database_url="x"),
            migrations_dir=tmp_path,
            handlers=lambda settings: {},
        )
    )
    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: platform: refusing to start with invalid settings:\n"
        "  RELAY_BATCH_SIZE='lots' must be a valid integer, unable to parse string as an integer\n"
    )
    assert "Traceback" not in result.output


def test_one_of_words_its_choices_like_a_literal():
    class Fruit(Settings):
        fruit: Annotated[str, one_of(["apple", "pear", "plum"])] = "apple"
        colour: Annotated[str, one_of(["red"])] = "red"

    assert "FRUIT='fig' must be 'apple', 'pear' or 'plum'" in _error({"FRUIT": "fig"}, Fruit)
    assert "COLOUR='blue' must be 'red'" in _error({"COLOUR": "blue"}, Fruit)


def test_the_environment_names_are_the_fields_in_upper_case():
    assert {"DATABASE_URL", "CONSUMER_RETRY_DELAYS_MS", "ENV"} <= env_names(Settings)
    assert all(name.isupper() for name in env_names(Settings))
