"""deploy/k8s rendered with kustomize: workloads, probes, resources, budgets, and consistency with compose."""

from __future__ import annotations

import pytest
import yaml
from platform_model import (
    API_PORT,
    DEPLOY,
    K8S,
    PROXY_PORT,
    ROLES,
    SERVICES,
    WORKER_METRICS_PORT,
    by_kind_and_name,
    k8s_container_env_names,
    k8s_workload,
    load_compose,
    load_kustomization,
    load_service_settings,
    pod_spec,
    render_kustomization,
    secret_examples,
    with_real_secrets,
)

APP_CONTAINERS = [(service, role) for service in SERVICES for role in ROLES]


@pytest.fixture(scope="module")
def docs():
    return render_kustomization()


@pytest.fixture(scope="module")
def secrets():
    return secret_examples()


@pytest.fixture(scope="module")
def index(docs, secrets):
    return by_kind_and_name(docs + secrets)


@pytest.fixture(scope="module")
def compose_containers():
    return load_compose()["services"]


def _container(docs, service, role) -> dict:
    (container,) = pod_spec(k8s_workload(docs, service, role))["containers"]
    return container


def test_every_manifest_and_secret_example_is_valid_against_the_kubernetes_schemas(docs, secrets):
    import kubernetes_validate

    for doc in docs + secrets:  # strict: an unknown or misspelt field fails
        kubernetes_validate.validate(doc, "1.37.0", strict=True)


def test_the_same_services_run_in_kubernetes_as_in_compose(docs, compose_containers):
    workloads = {doc["metadata"]["name"] for doc in docs if doc["kind"] in ("Deployment", "Job")}
    expected = {f"{service}-{role}" for service, role in APP_CONTAINERS} | {"proxy", "gotenberg"}
    assert workloads == expected
    compose_apps = {name for name in compose_containers if name.rsplit("-", 1)[-1] in ROLES}
    assert compose_apps == workloads - {"proxy", "gotenberg"}


def test_everything_lives_in_the_platform_namespace(docs):
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "dossier-platform", doc["metadata"]["name"]


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_each_container_sets_the_same_variable_names_as_its_compose_twin(
    docs, secrets, compose_containers, service, role
):
    compose_names = set(compose_containers[f"{service}-{role}"]["environment"])
    assert k8s_container_env_names(_container(docs, service, role), docs + secrets) == compose_names


def test_secrets_stay_out_of_the_kustomization_and_their_example_holds_placeholders_only(docs, secrets):
    assert not [doc for doc in docs if doc["kind"] == "Secret"]
    for secret in secrets:
        assert secret["metadata"]["namespace"] == "dossier-platform"
        for key, value in secret["stringData"].items():
            assert "change-me" in value, (secret["metadata"]["name"], key)


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_each_container_runs_the_service_image_with_the_compose_command(docs, compose_containers, service, role):
    container = _container(docs, service, role)
    assert container["image"].split(":")[0].endswith(f"/dossier-platform/{service}")
    assert ":" in container["image"] and not container["image"].endswith(":latest")
    assert container["args"] == compose_containers[f"{service}-{role}"]["command"]


def test_service_urls_and_production_mode_match_compose(docs, compose_containers):
    (config,) = [doc for doc in docs if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "platform-config"]
    compose_env = compose_containers["dossier-api"]["environment"]
    for name in ["ENV"] + [f"{service.upper().replace('-', '_')}_URL" for service in SERVICES]:
        assert config["data"][name] == compose_env[name], name


@pytest.mark.parametrize("service", SERVICES)
def test_apis_are_probed_on_readyz_and_healthz_and_served_on_the_compose_port(docs, index, service):
    container = _container(docs, service, "api")
    (port,) = container["ports"]
    assert port == {"name": "http", "containerPort": API_PORT}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    service_doc = index[("Service", f"{service}-api")]
    assert service_doc["spec"]["ports"] == [{"name": "http", "port": API_PORT, "targetPort": "http"}]
    pod_labels = k8s_workload(docs, service, "api")["spec"]["template"]["metadata"]["labels"]
    assert service_doc["spec"]["selector"].items() <= pod_labels.items()


@pytest.mark.parametrize("service", SERVICES)
def test_apis_keep_a_pod_through_voluntary_disruptions(docs, index, service):
    budget = index[("PodDisruptionBudget", f"{service}-api")]
    pod_labels = k8s_workload(docs, service, "api")["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["minAvailable"] >= 1
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert k8s_workload(docs, service, "api")["spec"]["replicas"] >= 2


@pytest.mark.parametrize("service", SERVICES)
def test_workers_expose_metrics_and_leave_time_for_the_handler_in_progress(docs, service):
    worker = k8s_workload(docs, service, "worker")
    container = _container(docs, service, "worker")
    assert container["ports"] == [{"name": "metrics", "containerPort": WORKER_METRICS_PORT}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    annotations = worker["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(WORKER_METRICS_PORT)
    assert pod_spec(worker)["terminationGracePeriodSeconds"] >= 30


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_as_a_job_that_retries(docs, service):
    job = k8s_workload(docs, service, "migrate")
    assert job["spec"]["backoffLimit"] >= 1
    assert pod_spec(job)["restartPolicy"] in ("OnFailure", "Never")


def test_every_container_has_requests_and_limits_and_runs_unprivileged(docs):
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        for container in spec["containers"]:
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), doc["metadata"]["name"]


def test_the_ingress_sends_api_traffic_to_the_proxy_which_mounts_the_shared_nginx_config(docs, index):
    (ingress,) = [doc for doc in docs if doc["kind"] == "Ingress"]
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/api", "Prefix")
    assert path["backend"]["service"]["name"] == "proxy"
    assert index[("Service", "proxy")]["spec"]["ports"][0]["port"] == PROXY_PORT
    proxy = pod_spec(index[("Deployment", "proxy")])
    (config_volume,) = [volume for volume in proxy["volumes"] if "configMap" in volume]
    config_map = index[("ConfigMap", config_volume["configMap"]["name"])]
    assert config_map["data"]["nginx.conf"] == (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert f"listen {PROXY_PORT};" in config_map["data"]["nginx.conf"]
    assert index[("PodDisruptionBudget", "proxy")]["spec"]["minAvailable"] >= 1


def test_every_referenced_config_map_and_secret_exists(docs, index):
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                kind, ref = (
                    ("ConfigMap", source["configMapRef"])
                    if "configMapRef" in source
                    else ("Secret", source["secretRef"])
                )
                assert (kind, ref["name"]) in index, (doc["metadata"]["name"], ref["name"])


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_the_values_each_container_reads_are_valid_settings(docs, secrets, service, role, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    values = {}
    for doc in docs + secrets:
        if doc["kind"] in ("ConfigMap", "Secret"):
            values[doc["metadata"]["name"]] = {**(doc.get("data") or {}), **(doc.get("stringData") or {})}
    environ = {}
    for source in _container(docs, service, role)["envFrom"]:
        environ.update(values[(source.get("configMapRef") or source["secretRef"])["name"]])
    # The examples hold placeholders (refused in production): real secrets replace them.
    environ = {name: with_real_secrets(value) for name, value in environ.items()}
    assert load_service_settings(service, environ).is_production


OVERLAYS = K8S / "services"
BASE = K8S / "service-base"


def test_each_service_is_a_small_overlay_of_the_one_service_base():
    assert load_kustomization(K8S)["resources"][-len(SERVICES) :] == [f"services/{service}" for service in SERVICES]
    assert {path.name for path in OVERLAYS.iterdir()} == set(SERVICES)
    for service in SERVICES:
        overlay = load_kustomization(OVERLAYS / service)
        assert overlay["namePrefix"] == f"{service}-"
        assert overlay["resources"][0] == "../../service-base"
        assert overlay["labels"] == [{"pairs": {"app.kubernetes.io/name": service}, "includeSelectors": True}]
        assert overlay["images"] == [{"name": "service", "newName": f"dossier-platform/{service}"}]
        # An overlay adds settings (a ConfigMap), never a workload of its own.
        own_files = {path.name for path in (OVERLAYS / service).iterdir()} - {"kustomization.yaml"}
        for file in own_files:
            assert {doc["kind"] for doc in yaml.safe_load_all((OVERLAYS / service / file).read_text())} == {"ConfigMap"}


def test_the_overlays_without_settings_of_their_own_differ_only_by_the_service_name():
    plain = [service for service in SERVICES if "components" not in load_kustomization(OVERLAYS / service)]
    assert len(plain) >= 3
    texts = {
        (OVERLAYS / service / "kustomization.yaml")
        .read_text()
        .replace("dossier-platform/", "")
        .replace(service, "<service>")
        for service in plain
    }
    assert len(texts) == 1


def test_services_with_settings_of_their_own_read_them_in_every_container(docs, index):
    for service in SERVICES:
        with_config = "components" in load_kustomization(OVERLAYS / service)
        assert with_config == (("ConfigMap", f"{service}-config") in index), service
        for role in ROLES:
            sources = [source for source in _container(docs, service, role)["envFrom"] if "configMapRef" in source]
            assert ({"configMapRef": {"name": f"{service}-config"}} in sources) == with_config, (service, role)


@pytest.mark.parametrize("service,role", APP_CONTAINERS)
def test_each_workload_selects_and_labels_its_own_service_only(docs, service, role):
    workload = k8s_workload(docs, service, role)
    template_labels = workload["spec"]["template"]["metadata"]["labels"]
    assert template_labels["app.kubernetes.io/name"] == service
    assert template_labels["app.kubernetes.io/component"] == role
    if "selector" in workload["spec"]:
        assert workload["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == service
    secrets = [
        source["secretRef"]["name"] for source in _container(docs, service, role)["envFrom"] if "secretRef" in source
    ]
    assert secrets == ["platform-secrets", f"{service}-secrets"]


def test_the_base_names_no_service():
    text = "".join(path.read_text() for path in BASE.iterdir())
    for service in SERVICES:
        assert f"{service}-" not in text.replace("dossier-platform", ""), service
