"""The production files in deploy/ are valid, set only variables the settings read, and set every
one production needs: the settings are loaded with exactly the compose file's environment and
must start.

Nothing is built or pulled here: the image build and `docker compose config` are the operator's
(deploy/README.md); these tests catch a renamed variable or a missing secret before they do.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
_READ = re.compile(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']|os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""")
# Read by the libraries or the image itself rather than by Warga's settings.
_NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "PATH", "PYTHONUNBUFFERED"}


def _names_the_settings_read() -> set[str]:
    names: set[str] = set()
    for module in (ROOT / "platform" / "config").glob("*.py"):
        for match in _READ.finditer(module.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _kubernetes_documents() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for manifest in sorted((DEPLOY / "k8s").glob("*.yaml")):
        documents.extend(document for document in yaml.safe_load_all(manifest.read_text()) if document)
    return documents


def _secret_keys_documented() -> set[str]:
    return set(re.findall(r"--from-literal=([A-Z_]+)=", (DEPLOY / "k8s" / "README.md").read_text()))


def _base(name: str) -> str:
    return name.removesuffix("_FILE")


def test_every_manifest_parses_and_names_its_kind() -> None:
    documents = _kubernetes_documents()
    kinds = sorted(document["kind"] for document in documents)
    web = ["Deployment", "Service", "HorizontalPodAutoscaler", "Ingress"]
    workers = ["Deployment", "HorizontalPodAutoscaler"] * 4
    beat = ["Deployment"]
    assert kinds == sorted(["Kustomization", "Namespace", "ConfigMap", "Job", *web, *workers, *beat])
    for document in documents:
        assert document.get("apiVersion"), document
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (DEPLOY / "k8s" / resource).is_file(), resource


def test_compose_and_kubernetes_set_only_variables_the_settings_read() -> None:
    read = _names_the_settings_read()
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "REDIS_URL", "WARGA_BASE_DOMAIN"} <= read  # the scan works
    compose_names = {_base(name) for name in _compose()["x-warga"]["environment"]}
    config_map = next(d for d in _kubernetes_documents() if d["kind"] == "ConfigMap")
    kubernetes_names = set(config_map["data"]) | _secret_keys_documented()
    final_stage = (DEPLOY / "Dockerfile").read_text().rsplit("\nFROM ", 1)[1]
    dockerfile_names = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", final_stage))
    unknown = (compose_names | kubernetes_names | dockerfile_names) - read - _NOT_SETTINGS
    assert unknown == set()


def test_every_warga_container_gets_the_configuration_and_secrets() -> None:
    compose = _compose()
    for name in ("migrate", "web", "worker-urgent", "worker", "worker-bulk", "worker-webhooks", "beat"):
        service = compose["services"][name]
        assert service["image"] == "${WARGA_IMAGE:-warga:latest}", name
        assert set(service["secrets"]) == {
            "database_url",
            "django_secret_key",
            "mfa_encryption_keys",
            "report_index_key",
            "celery_broker_url",
            "sms_token",
        }
    for secret in compose["secrets"].values():
        assert secret["file"].startswith("./secrets/")
    for document in _kubernetes_documents():
        if document["kind"] in {"Deployment", "Job"}:
            for container in document["spec"]["template"]["spec"]["containers"]:
                sources = {next(iter(source.values()))["name"] for source in container["envFrom"]}
                assert sources == {"warga-config", "warga-secrets"}, document["metadata"]["name"]


def test_beat_runs_once_and_the_proxy_limits_request_bodies() -> None:
    beat = next(d for d in _kubernetes_documents() if d["metadata"]["name"] == "warga-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    ingress = next(d for d in _kubernetes_documents() if d["kind"] == "Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "64m"
    assert re.search(r"request_body\s*\{\s*max_size 64MB", (DEPLOY / "Caddyfile").read_text())


def test_the_dockerfile_copies_only_what_exists_and_runs_as_a_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from)(?:--chown=\S+ )?(\S+)", dockerfile, flags=re.MULTILINE):
        assert source == "." or (ROOT / "frontend").joinpath(source).exists() or (ROOT / source).exists(), source
    assert re.search(r"^USER warga$", dockerfile, flags=re.MULTILINE)


@pytest.mark.parametrize("missing", [None, "REDIS_URL", "DJANGO_SECRET_KEY_FILE"])
def test_production_settings_start_with_the_compose_environment(tmp_path: Path, missing: str | None) -> None:
    """The settings module loads with exactly what compose gives a container (secrets as files),
    and refuses to start, naming the variable, when a required one is left out."""
    secrets = {
        "database_url": "postgresql://warga:pw@postgres:5432/warga",
        "django_secret_key": "a-real-secret-of-enough-length-for-production-use-0123456789",
        "mfa_encryption_keys": "another-real-secret-used-only-for-totp-secrets-9876543210",
        "report_index_key": "a-third-secret-for-the-rahasia-report-index-5647382910",
        "celery_broker_url": "amqp://guest:guest@rabbitmq:5672//",
        "sms_token": "token",
    }
    for name, value in secrets.items():
        (tmp_path / name).write_text(value)
    substitutions = {
        "WARGA_BASE_DOMAIN": "warga.example.go.id",
        "WARGA_SMS_HTTP_URL": "https://sms.example.id/send",
        "WARGA_PRIVACY_DPO_EMAIL": "dpo@example.go.id",
        "DEFAULT_FROM_EMAIL": "Warga <noreply@example.go.id>",
    }

    def substitute(value: str) -> str:
        return re.sub(r"\$\{(\w+)[^}]*\}", lambda m: substitutions[m.group(1)], str(value))

    environment = {
        name: substitute(value).replace("/run/secrets/", f"{tmp_path}/")
        for name, value in _compose()["x-warga"]["environment"].items()
    }
    environment.pop(missing or "", None)
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    process_environment = {name: value for name, value in os.environ.items() if name in keep}
    process_environment.update(environment, DJANGO_SETTINGS_MODULE="config.settings", WARGA_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.WARGA_HTTPS)",
        ],
        cwd=ROOT,
        env=process_environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if missing is None:
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "True"
    else:
        assert result.returncode != 0
        assert _base(missing) in result.stderr.splitlines()[-1], result.stderr[-500:]


def _queues_under(environment: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(queue class -> queue name, task name -> queue name) as settings loaded with
    `environment` on top of a development one route them."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT", "DATABASE_URL"}
    process_environment = {name: value for name, value in os.environ.items() if name in keep}
    process_environment.update(environment, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.WARGA_QUEUES, {k: v['queue'] for k, v in s.CELERY_TASK_ROUTES.items()}]))",
        ],
        cwd=ROOT,
        env=process_environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    classes, routes = json.loads(result.stdout)
    return classes, routes


def _consumed(command: list[str]) -> set[str]:
    assert command[:4] == ["celery", "-A", "config", "worker"] or command[1:4] == ["-A", "config", "worker"], command
    assert "-Q" in command, f"a worker without -Q consumes every queue: {command}"
    return set(command[command.index("-Q") + 1].split(","))


def _workers_of_compose() -> dict[str, set[str]]:
    services = _compose()["services"]
    return {
        name: _consumed(service["command"])
        for name, service in services.items()
        if service.get("command", [None, None, None, None])[3:4] == ["worker"]
    }


def _workers_of_kubernetes() -> dict[str, set[str]]:
    workers: dict[str, set[str]] = {}
    for document in _kubernetes_documents():
        if document["kind"] != "Deployment":
            continue
        for container in document["spec"]["template"]["spec"]["containers"]:
            if container["command"][3:4] == ["worker"]:
                workers[document["metadata"]["name"]] = _consumed(container["command"])
    return workers


@pytest.mark.parametrize("where", ["compose", "kubernetes"])
def test_every_queue_of_the_routing_has_a_worker_and_urgent_work_has_its_own(where: str) -> None:
    """Production runs a worker per queue class: every queue a task is routed to is consumed,
    and the workers consuming the urgent queue consume no bulk work."""
    classes, routes = _queues_under({})  # production leaves CELERY_TASK_DEFAULT_QUEUE unset
    workers = _workers_of_compose() if where == "compose" else _workers_of_kubernetes()
    consumed = set().union(*workers.values())
    assert set(routes.values()) | {classes["default"]} <= consumed
    assert consumed <= set(classes.values()), "a worker consumes a queue nothing is routed to"
    for name, queues in workers.items():
        assert len(queues) == 1, f"{name} consumes several queue classes: {queues}"


def test_the_development_run_consumes_every_queue_with_urgent_work_on_its_own_worker() -> None:
    spec = importlib.util.spec_from_file_location("warga_dev", DEPLOY / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    for queue in ("", "ci-job-7"):
        classes, routes = _queues_under({"CELERY_TASK_DEFAULT_QUEUE": queue} if queue else {})
        assert dev.queue_names({"CELERY_TASK_DEFAULT_QUEUE": queue} if queue else {}) == classes
        workers = {
            name: _consumed(command)
            for name, command in dev.worker_commands({"CELERY_TASK_DEFAULT_QUEUE": queue}).items()
        }
        assert set().union(*workers.values()) >= set(routes.values()) | {classes["default"]}
        (urgent_worker,) = [name for name, queues in workers.items() if classes["urgent"] in queues]
        # Nothing else on it: a relay drain or a notification never waits behind beat's
        # dispatched tasks or provisioning's offers (docs/decisions/0126), nor behind photos.
        assert workers[urgent_worker] == {classes["urgent"]}
