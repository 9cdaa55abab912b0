"""docker-compose.yml is valid and consistent with the endpoints files, Dockerfiles and ports (no Docker needed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_yaml(path: Path) -> Any:
    """Parse a YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The parsed compose file."""
    data = load_yaml(ROOT / "docker-compose.yml")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    """The compose services."""
    return dict(compose["services"])


@pytest.fixture(scope="module")
def docker_endpoints() -> dict[str, Any]:
    """The production endpoints file."""
    return dict(load_yaml(ROOT / "bot" / "endpoints.docker.yml"))


def interpolate(value: str) -> str:
    """Resolve compose's ${VAR:-default} to its default (no variables are set in the tests)."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def env_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict with defaults filled in (YAML merge keys are resolved by the loader)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): interpolate(str(v)) for k, v in env.items()}


def published_ports(service: dict[str, Any]) -> set[int]:
    """Container ports a service publishes or exposes."""
    ports: set[int] = set()
    for entry in service.get("ports", []) + service.get("expose", []):
        ports.add(int(str(entry).split(":")[-1].split("/")[0]))
    return ports


def dockerfile_text(service: dict[str, Any]) -> str:
    """The Dockerfile a service builds from."""
    build = service["build"]
    return (ROOT / build["context"] / build["dockerfile"]).read_text(encoding="utf-8")


REPLICAS = ("rasa-1", "rasa-2")


def test_expected_services(services: dict[str, Any]) -> None:
    assert set(services) >= {"rasa", *REPLICAS, "action-server", "knowledge", "postgres", "redis"}
    for name in REPLICAS:
        assert services[name]["image"] == "rasa/rasa:3.6.21-full"
    assert services["rasa"]["image"].startswith("haproxy:")  # the load balancer carries the name "rasa"


def test_every_service_has_a_healthcheck_and_restart_policy(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert "healthcheck" in service or "HEALTHCHECK" in dockerfile_text(service), name
        assert service["healthcheck"]["test"], name
        assert service.get("restart") in ("unless-stopped", "always"), name


def test_rasa_waits_for_its_dependencies(services: dict[str, Any]) -> None:
    for replica in REPLICAS:
        depends = services[replica]["depends_on"]
        for name in ("postgres", "redis", "action-server"):
            assert depends[name]["condition"] == "service_healthy"
    for replica in REPLICAS:
        assert services["rasa"]["depends_on"][replica]["condition"] == "service_healthy"


def test_load_balancer_round_robins_over_both_replicas(services: dict[str, Any]) -> None:
    lb = services["rasa"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in lb["volumes"]}
    config_path = ROOT / mounts["/usr/local/etc/haproxy/haproxy.cfg"]
    config = config_path.read_text(encoding="utf-8")
    assert "balance roundrobin" in config and "option httpchk GET /" in config
    assert "retry-on conn-failure empty-response" in config and "option redispatch" in config
    servers = re.findall(r"^\s*server \S+ (\S+):(\d+) check", config, re.MULTILINE)
    assert sorted(host for host, _ in servers) == sorted(REPLICAS)
    assert all(int(port) in published_ports(services[host]) for host, port in servers)
    assert re.search(r"^\s*bind :5005$", config, re.MULTILINE) and 5005 in published_ports(lb)
    assert "/lb-health" in config and "/lb-health" in " ".join(lb["healthcheck"]["test"])
    for replica in REPLICAS:
        assert not services[replica].get("ports"), "replicas are reached through the load balancer only"
        assert int(env_of(services[replica])["TICKET_LOCK_LIFETIME"]) <= 30


def test_knowledge_runs_two_workers_on_the_postgres_feedback_store(services: dict[str, Any]) -> None:
    knowledge = services["knowledge"]
    command = knowledge["command"]
    assert command[command.index("--workers") + 1] == "2"
    assert command[command.index("--factory") + 1] == "knowledge_app:create"
    assert "COPY scripts/knowledge_app.py" in dockerfile_text(knowledge)
    url = urlparse(env_of(knowledge)["BW_FEEDBACK_URL"])
    assert url.scheme == "postgresql" and url.hostname == "postgres" and url.port == 5432
    postgres_env = env_of(services["postgres"])
    assert url.username == postgres_env["POSTGRES_USER"] and url.password == postgres_env["POSTGRES_PASSWORD"]
    assert re.search(r"^psycopg\[binary\]==", (ROOT / "requirements.txt").read_text(), re.MULTILINE)


def test_action_endpoint_uses_service_name_and_port(services: dict[str, Any], docker_endpoints: dict[str, Any]) -> None:
    url = urlparse(docker_endpoints["action_endpoint"]["url"])
    assert url.hostname == "action-server" and url.hostname in services
    assert url.port in published_ports(services["action-server"])
    assert url.path == "/webhook"
    assert f"EXPOSE {url.port}" in dockerfile_text(services["action-server"])


def test_tracker_store_is_masked_postgres(services: dict[str, Any], docker_endpoints: dict[str, Any]) -> None:
    store = docker_endpoints["tracker_store"]
    assert store["type"] == "privacy_tracker_store.PrivacySQLTrackerStore"
    assert store["dialect"] == "postgresql"
    assert store["url"] in services and services[store["url"]]["image"].startswith("postgres")
    assert store["port"] == 5432
    rasa_env = env_of(services["rasa-1"])
    postgres_env = env_of(services["postgres"])
    for key in ("db", "username", "password"):
        variable = re.fullmatch(r"\$\{(\w+)\}", str(store[key]))
        assert variable, f"{key} comes from the environment"
        assert variable.group(1) in rasa_env, key
        assert rasa_env[variable.group(1)] == postgres_env[variable.group(1)]


def test_lock_store_is_redis(services: dict[str, Any], docker_endpoints: dict[str, Any]) -> None:
    lock = docker_endpoints["lock_store"]
    assert lock["type"] == "redis"
    assert lock["url"] in services and services[lock["url"]]["image"].startswith("redis")
    assert lock["port"] == 6379


def test_rasa_can_import_the_custom_code(services: dict[str, Any]) -> None:
    rasa = services["rasa-1"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in rasa["volumes"]}
    assert mounts[rasa["working_dir"]] == "./bot"
    python_path = env_of(rasa)["PYTHONPATH"].split(":")
    assert rasa["working_dir"] in python_path
    nlu_parent = next(p for p in python_path if f"{p}/nlu" in mounts)
    assert mounts[f"{nlu_parent}/nlu"] == "./nlu"
    command = rasa["command"]
    assert command[command.index("--endpoints") + 1] == "endpoints.docker.yml"
    assert (ROOT / "bot" / "endpoints.docker.yml").is_file()
    assert (ROOT / "bot" / "credentials.yml").is_file()
    assert "rest" in (load_yaml(ROOT / "bot" / "credentials.yml") or {})
    assert command[command.index("--port") + 1] == "5005"
    assert 5005 in published_ports(rasa) and 5005 in published_ports(services["rasa"])
    assert "--cors" in command


def test_config_components_are_importable_paths(services: dict[str, Any]) -> None:
    config = load_yaml(ROOT / "bot" / "config.yml")
    custom = [c["name"] for c in config["pipeline"] if "." in c["name"]]
    for name in custom:
        module = name.rsplit(".", 1)[0]
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), name


def test_knowledge_service(services: dict[str, Any]) -> None:
    knowledge = services["knowledge"]
    assert knowledge["build"]["dockerfile"] == "Dockerfile.knowledge"
    dockerfile = dockerfile_text(knowledge)
    assert re.search(r"^FROM python:3\.11", dockerfile, re.MULTILINE)
    assert "EXPOSE 8000" in dockerfile
    assert '"--port", "8000"' in dockerfile and '"0.0.0.0"' in dockerfile
    assert 8000 in published_ports(knowledge)
    assert env_of(knowledge)["BW_RASA_URL"] == "http://rasa:5005"
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.MULTILINE):
        assert (ROOT / source).exists(), source


def test_action_server_talks_to_knowledge_by_name(services: dict[str, Any]) -> None:
    env = env_of(services["action-server"])
    url = urlparse(env["KNOWLEDGE_URL"])
    assert url.hostname == "knowledge" and url.port == 8000
    assert env["KCC_PHONE"] == "14 071"
    dockerfile = dockerfile_text(services["action-server"])
    assert re.search(r"^FROM rasa/rasa-sdk:3\.6\.\d+", dockerfile, re.MULTILINE)
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.MULTILINE):
        assert (ROOT / source).exists(), source


def test_sdk_image_matches_pinned_rasa_sdk() -> None:
    pinned = re.search(r"^rasa-sdk==(\S+)", (ROOT / "requirements-rasa.txt").read_text(), re.MULTILINE)
    assert pinned
    dockerfile = (ROOT / "actions" / "Dockerfile").read_text(encoding="utf-8")
    assert f"FROM rasa/rasa-sdk:{pinned.group(1)}" in dockerfile
    assert "rasa==3.6.21" in (ROOT / "requirements-rasa.txt").read_text()


def test_local_endpoints_match_make_run() -> None:
    endpoints = load_yaml(ROOT / "bot" / "endpoints.yml")
    url = urlparse(endpoints["action_endpoint"]["url"])
    assert (url.hostname, url.port, url.path) == ("localhost", 5055, "/webhook")
    store = endpoints["tracker_store"]
    assert store["type"] == "privacy_tracker_store.PrivacySQLTrackerStore"
    assert store["dialect"] == "sqlite" and store["db"] == "var/rasa/tracker.db"


def test_the_search_engine_is_an_optional_profile(services: dict[str, Any], compose: dict[str, Any]) -> None:
    search = services["search"]
    assert search["profiles"] == ["search"] and "opensearch" in search["image"]
    assert 9200 in published_ports(search) and "search-data" in compose["volumes"]
    assert all("profiles" not in s for name, s in services.items() if name != "search")  # the rest always runs
