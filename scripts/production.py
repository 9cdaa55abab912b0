"""The production topology, run for real on loopback in a scratch folder (default var/production/).

PostgreSQL (Rasa tracker store + knowledge feedback store), Redis (Rasa lock store), the knowledge service with
two uvicorn workers, the action server, two Rasa replicas and HAProxy in front of them (round robin, health
checks, retry on a dead replica). The servers come from Debian packages (`make production-setup`); PostgreSQL
runs as the `postgres` system user when we are root. Stdlib only, like scripts/run_all.py.

    python scripts/production.py up      # start everything, restart what dies, Ctrl-C stops all
    make test-production                 # the e2e test (tests/production/) on the same topology

HAProxy honours an ``X-Replica: rasa1|rasa2`` request header while that replica is up (tests and the load
script use it to alternate turns between replicas) and names the replica that answered in ``X-Served-By``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import (  # noqa: E402
    RASA_BIN,
    ROOT,
    VENV_PY,
    Service,
    Supervisor,
    action_service,
    rasa_service,
    start_all,
    stop_all,
)
from train_bot import train  # noqa: E402

BASE = ROOT / "var" / "production"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_USER = "begrotingswijzer"
REPLICAS = ("rasa1", "rasa2")
# A lock held by a replica that was killed mid-turn expires after this many seconds (Rasa's default: 60).
LOCK_LIFETIME = 10


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def missing_programs() -> list[str]:
    """The Debian programs this topology needs that are not installed."""
    needed = [str(PG_BIN / "initdb"), str(PG_BIN / "postgres"), "redis-server", "redis-cli", "haproxy"]
    return [name for name in needed if shutil.which(name) is None]


def as_postgres() -> list[str]:
    """Command prefix that runs PostgreSQL as the `postgres` system user when we are root (it refuses root)."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_ping(port: int, host: str = "127.0.0.1") -> bool:
    """True when Redis answers PING."""
    with socket.create_connection((host, port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


@dataclass
class Topology:
    """Ports, folders and services of one production-like run."""

    base: Path = BASE
    host: str = "127.0.0.1"
    password: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)
    ports: dict[str, int] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Pick free ports for every server."""
        for name in ("postgres", "redis", "knowledge", "actions", *REPLICAS, "lb"):
            self.ports.setdefault(name, free_port(self.host))

    @property
    def lb_url(self) -> str:
        """Rasa through the load balancer."""
        return f"http://{self.host}:{self.ports['lb']}"

    def replica_url(self, name: str) -> str:
        """One Rasa replica directly."""
        return f"http://{self.host}:{self.ports[name]}"

    @property
    def knowledge_url(self) -> str:
        """The knowledge service."""
        return f"http://{self.host}:{self.ports['knowledge']}"

    def database_url(self, db: str) -> str:
        """A postgresql:// URL for one of our databases."""
        return f"postgresql://{DB_USER}:{self.password}@{self.host}:{self.ports['postgres']}/{db}"

    def service(self, name: str) -> Service:
        """The service called ``name``."""
        return next(s for s in self.services if s.name == name)

    # -- preparation -------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """A fresh scratch folder with an initialised PostgreSQL cluster and the configuration files."""
        if self.base.exists():
            shutil.rmtree(self.base)
        for sub in ("log", "redis", "pg"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o755)  # the postgres user must reach pg/
        pg = self.base / "pg"
        if os.geteuid() == 0:
            shutil.chown(pg, "postgres", "postgres")
        pg.chmod(0o700)
        password_file = pg / "pwfile"
        password_file.write_text(self.password + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres", "postgres")
        run([*as_postgres(), str(PG_BIN / "initdb"), "-D", str(pg / "data"), "-U", "postgres", "--no-locale",
             "-E", "UTF8", "--auth-local=peer" if os.geteuid() == 0 else "--auth-local=trust",
             "--auth-host=scram-sha-256", f"--pwfile={password_file}"], self.base / "log" / "initdb.log")
        password_file.unlink()
        self._write_endpoints()
        self._write_haproxy()
        self.services = self._services()

    def _write_endpoints(self) -> None:
        for name in REPLICAS:
            path = self.base / f"endpoints.{name}.yml"
            path.write_text(
                f"""# Generated by scripts/production.py: masked PostgreSQL tracker store, Redis lock store.
action_endpoint:
  url: "http://{self.host}:{self.ports['actions']}/webhook"
tracker_store:
  type: privacy_tracker_store.PrivacySQLTrackerStore
  dialect: "postgresql"
  url: "{self.host}"
  port: {self.ports['postgres']}
  db: "rasa"
  username: "{DB_USER}"
  password: "{self.password}"
lock_store:
  type: "redis"
  url: "{self.host}"
  port: {self.ports['redis']}
  db: 1
""",
                encoding="utf-8",
            )
            path.chmod(0o600)

    def _write_haproxy(self) -> None:
        rasa1, rasa2 = (f"{self.host}:{self.ports[name]}" for name in REPLICAS)
        (self.base / "haproxy.cfg").write_text(
            f"""# Generated by scripts/production.py: two Rasa replicas, round robin, health-checked.
global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # a busy replica answers its health check slowly; only a replica that does not answer at all is down
    timeout check 5s
    # A replica that dies takes no turn with it: connection failures and empty responses are retried on the
    # other replica (the request is buffered; Rasa's Redis lock serialises turns of one conversation).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    default-server inter 1s fall 3 rise 2

frontend rasa
    bind {self.host}:{self.ports['lb']}
    monitor-uri /lb-health
    default_backend rasa_replicas

backend rasa_replicas
    balance roundrobin
    option httpchk GET /
    http-response set-header X-Served-By %s
    use-server rasa1 if {{ req.hdr(X-Replica) -m str rasa1 }}
    use-server rasa2 if {{ req.hdr(X-Replica) -m str rasa2 }}
    server rasa1 {rasa1} check
    server rasa2 {rasa2} check
""",
            encoding="utf-8",
        )

    def _services(self) -> list[Service]:
        log_dir = self.base / "log"
        pg_port, redis_port = self.ports["postgres"], self.ports["redis"]
        postgres = Service(
            name="postgres",
            command=[*as_postgres(), str(PG_BIN / "postgres"), "-D", str(self.base / "pg" / "data"),
                     "-h", self.host, "-p", str(pg_port), "-k", str(self.base / "pg"), "-c", "max_connections=200"],
            health_url="", log_path=log_dir / "postgres.log", startup_timeout=60,
            health_check=lambda: port_open(pg_port, self.host),
        )
        redis = Service(
            name="redis",
            command=["redis-server", "--bind", self.host, "--port", str(redis_port), "--dir",
                     str(self.base / "redis"), "--save", "", "--appendonly", "no"],
            health_url="", log_path=log_dir / "redis.log", startup_timeout=30,
            health_check=lambda: redis_ping(redis_port, self.host),
        )
        knowledge_env = dict(os.environ)
        knowledge_env.update({
            "PYTHONPATH": str(ROOT),
            "BW_RASA_URL": self.lb_url,
            "BW_FEEDBACK_URL": self.database_url("feedback"),
            "BW_RATE_LIMIT_EXEMPT": "127.0.0.1,::1",
            "TOKENIZERS_PARALLELISM": "false",
        })
        knowledge = Service(
            name="knowledge",
            command=[str(VENV_PY), "-m", "uvicorn", "--factory", "knowledge_app:create", "--app-dir",
                     str(ROOT / "scripts"), "--workers", "2", "--host", self.host, "--port",
                     str(self.ports["knowledge"]), "--log-level", "warning"],
            health_url=f"{self.knowledge_url}/health", env=knowledge_env, log_path=log_dir / "knowledge.log",
            startup_timeout=300,
        )
        actions = action_service(self.ports["actions"], self.knowledge_url, self.host, log_dir)
        replicas = []
        for name in REPLICAS:
            replica = rasa_service(self.ports[name], self.base / f"endpoints.{name}.yml", self.host, log_dir,
                                   {"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME)})
            replica.name, replica.log_path = name, log_dir / f"{name}.log"
            if os.environ.get("BW_RASA_DEBUG"):  # lock store, tracker store and policy decisions in the log
                replica.command.append("--debug")
            replicas.append(replica)
        lb = Service(
            name="haproxy", command=["haproxy", "-db", "-f", str(self.base / "haproxy.cfg")],
            health_url=f"{self.lb_url}/lb-health", log_path=log_dir / "haproxy.log", startup_timeout=30,
        )
        return [postgres, redis, knowledge, actions, *replicas, lb]

    def create_databases(self) -> None:
        """Our role and its two databases (tracker store, feedback store)."""
        statements = [
            f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{self.password}'",
            f"CREATE DATABASE rasa OWNER {DB_USER}",
            f"CREATE DATABASE feedback OWNER {DB_USER}",
        ]
        for statement in statements:
            run([*as_postgres(), str(PG_BIN / "psql"), "-q", "-h", str(self.base / "pg"), "-p",
                 str(self.ports["postgres"]), "-U", "postgres", "-d", "postgres", "-c", statement],
                self.base / "log" / "psql.log")

    # -- running -----------------------------------------------------------------------------------------------

    def start(self, log: object = None) -> None:
        """Prepare, then start every service in order (each healthy before the next)."""
        say = print if log is None else log
        self.prepare()
        start_all(self.services[:1], log=say)  # type: ignore[arg-type]
        self.create_databases()
        start_all(self.services[1:], log=say)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop every service, load balancer first."""
        stop_all(self.services)


def run(command: list[str], log_path: Path) -> None:
    """Run a set-up command; raise RuntimeError with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, cwd="/", check=False)
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        raise RuntimeError(f"{command[0] if command[0] != 'runuser' else command[3]} failed "
                           f"({result.returncode}):\n{result.stdout}{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    """Command line: `up` starts the topology until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--base", type=Path, default=BASE, help="scratch folder (wiped at start)")
    args = parser.parse_args(argv)
    missing = missing_programs()
    if missing:
        print(f"Missing: {', '.join(missing)}; run `make production-setup`.", file=sys.stderr)
        return 1
    if not RASA_BIN.exists() or train() != 0:
        return 1
    topology = Topology(base=args.base)

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        topology.start()
        print(f"\nProduction topology is running (scratch folder {args.base}):\n"
              f"  Rasa via HAProxy   {topology.lb_url}/webhooks/rest/webhook\n"
              + "".join(f"  {name:<18} {topology.replica_url(name)}\n" for name in REPLICAS)
              + f"  knowledge (2 workers) {topology.knowledge_url}/\n"
              f"  PostgreSQL         {topology.host}:{topology.ports['postgres']}  Redis {topology.ports['redis']}\n"
              "Press Ctrl-C to stop.", flush=True)
        supervisor = Supervisor(topology.services)
        while True:
            supervisor.check()
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
