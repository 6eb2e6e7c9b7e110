import pytest

from platform_shared.config import ConfigError, Settings, load_settings


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


def test_production_starts_with_real_secrets():
    settings = load_settings(
        environ={
            "ENV": "production",
            "DATABASE_URL": "postgresql://db/x",
            "JWT_SECRET": "s" * 40,
            "EVENT_SECRET_KEY": "e" * 40,
        }
    )
    assert settings.is_production


def test_the_embedded_default_database_is_a_sqlite_file_per_service(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = load_settings(Settings, "partner-gateway", environ={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'partner_gateway.db'}"
