"""Start the knowledge service, the action server and Rasa on loopback; stop them all on Ctrl-C (stdlib only).

Used by `make run` (all three services) and `make shell` (knowledge + actions, then `rasa shell`).
A service that dies is restarted with back-off (1, 2, 4 … at most 30 s) by :class:`Supervisor`, which first
prints why it died (exit code or signal, and the last lines of its log).
The e2e tests import :class:`Service`, :class:`Supervisor` and :func:`assistant_services` to run the same processes.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_bot import BOT, MODEL_FILE, ROOT, rasa_env, train  # noqa: E402

VENV_PY = ROOT / ".venv" / "bin" / "python"
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
LOG_DIR = ROOT / "var" / "log"
RUN_DIR = ROOT / "var" / "rasa"


@dataclass
class Service:
    """One child process with a health URL, a log file and clean start/stop."""

    name: str
    command: list[str]
    health_url: str
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    log_path: Path | None = None
    startup_timeout: float = 180.0
    process: subprocess.Popen[bytes] | None = None
    # For services without an HTTP health URL (PostgreSQL, Redis): a callable that returns True when ready.
    health_check: Callable[[], bool] | None = None

    def start(self) -> None:
        """Start the process in its own session, logging to ``log_path``."""
        log_path = self.log_path or LOG_DIR / f"{self.name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        log = open(log_path, "ab")  # the child inherits the descriptor
        log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(self.command)}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        """Return True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def healthy(self) -> bool:
        """Return True when the health URL answers 200 (or ``health_check`` says so)."""
        if self.health_check is not None:
            try:
                return self.health_check()
            except OSError:
                return False
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def wait_healthy(self, timeout: float | None = None) -> None:
        """Poll the health URL until it answers; raise RuntimeError when the process dies or times out."""
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if not self.alive():
                raise RuntimeError(f"{self.name} stopped during start-up:\n{self.log_tail()}")
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not healthy after {timeout or self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> None:
        """Send SIGTERM to the process group, then SIGKILL after ``grace`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        """Return the last lines of the log."""
        if not self.log_path or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


def exit_reason(returncode: int | None) -> str:
    """``exit code 1`` or ``killed by SIGKILL`` for a finished process."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


@dataclass
class Supervisor:
    """Restart services that die, with exponential back-off; report each death with its cause and log tail.

    Call :meth:`check` every second or so. A service that stayed up for ``stable_after`` seconds starts again
    from the shortest delay.
    """

    services: Sequence[Service]
    first_delay: float = 1.0
    max_delay: float = 30.0
    stable_after: float = 60.0
    log: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr, flush=True))
    clock: Callable[[], float] = time.monotonic
    restarts: dict[str, int] = field(default_factory=dict)
    _delay: dict[str, float] = field(default_factory=dict)
    _due: dict[str, float] = field(default_factory=dict)
    _started: dict[str, float] = field(default_factory=dict)

    def check(self) -> None:
        """Notice dead services and restart those whose back-off has passed."""
        now = self.clock()
        for service in self.services:
            name = service.name
            if service.alive():
                if now - self._started.get(name, now) >= self.stable_after:
                    self._delay.pop(name, None)
                continue
            if name not in self._due:
                delay = self._delay.get(name, self.first_delay)
                self._delay[name] = min(delay * 2, self.max_delay)
                self._due[name] = now + delay
                returncode = service.process.returncode if service.process else None
                self.log(
                    f"{name} stopped unexpectedly ({exit_reason(returncode)}); restarting in {delay:.0f} s. "
                    f"Last lines of {service.log_path}:\n{service.log_tail(15)}"
                )
            elif now >= self._due[name]:
                del self._due[name]
                self.restarts[name] = self.restarts.get(name, 0) + 1
                self.log(f"Restarting {name} (restart {self.restarts[name]}) ...")
                service.start()
                self._started[name] = now


def endpoints_for(actions_port: int, tracker_db: str | None, out_dir: Path = RUN_DIR) -> Path:
    """Return an endpoints file that points at ``actions_port`` (bot/endpoints.yml when it is the default)."""
    source = BOT / "endpoints.yml"
    if actions_port == 5055 and not tracker_db:
        return source
    text = source.read_text(encoding="utf-8").replace("localhost:5055", f"localhost:{actions_port}")
    if tracker_db:
        text = text.replace('db: "var/rasa/tracker.db"', f'db: "{tracker_db}"')
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"endpoints.{actions_port}.yml"
    target.write_text(text, encoding="utf-8")
    return target


def knowledge_service(
    port: int, rasa_url: str, host: str = "127.0.0.1", log_dir: Path = LOG_DIR, extra_env: dict[str, str] | None = None
) -> Service:
    """The knowledge service and web pages (Python 3.11 venv) on ``port``; its web chat talks to ``rasa_url``."""
    env = dict(os.environ)
    env["BW_RASA_URL"] = rasa_url
    # The action server asks /api/answer for every resident's turn from loopback: exempt it from the rate limit.
    env.setdefault("BW_RATE_LIMIT_EXEMPT", "127.0.0.1,::1")
    env.update(extra_env or {})
    return Service(
        name="knowledge",
        command=[str(VENV_PY), "-m", "knowledge", "serve", "--host", host, "--port", str(port)],
        health_url=f"http://{host}:{port}/health",
        env=env,
        log_path=log_dir / "knowledge.log",
        startup_timeout=300.0,
    )


def action_service(port: int, knowledge_url: str, host: str = "127.0.0.1", log_dir: Path = LOG_DIR) -> Service:
    """The rasa-sdk action server on ``port``, talking to ``knowledge_url``."""
    env = rasa_env()
    env.update({"SANIC_HOST": host, "KNOWLEDGE_URL": knowledge_url})
    env.setdefault("KNOWLEDGE_PUBLIC_URL", knowledge_url)
    return Service(
        name="actions",
        command=[str(RASA_BIN), "run", "actions", "--actions", "actions", "--port", str(port)],
        health_url=f"http://{host}:{port}/health",
        env=env,
        log_path=log_dir / "actions.log",
    )


def rasa_service(
    port: int,
    endpoints: Path,
    host: str = "127.0.0.1",
    log_dir: Path = LOG_DIR,
    extra_env: dict[str, str] | None = None,
) -> Service:
    """Rasa with the REST (/webhooks/rest/webhook) and socket.io (/socket.io) channels, CORS open for the web chat."""
    env = rasa_env()
    env.update(extra_env or {})
    return Service(
        name="rasa",
        command=[
            str(RASA_BIN), "run", "--model", str(MODEL_FILE), "--endpoints", str(endpoints),
            "--credentials", "credentials.yml", "--interface", host, "--port", str(port), "--cors", "*",
        ],
        health_url=f"http://{host}:{port}/",
        cwd=BOT,
        env=env,
        log_path=log_dir / "rasa.log",
    )


def assistant_services(
    knowledge_port: int = 8000,
    actions_port: int = 5055,
    rasa_port: int = 5005,
    host: str = "127.0.0.1",
    tracker_db: str | None = None,
    log_dir: Path = LOG_DIR,
    run_dir: Path = RUN_DIR,
    knowledge_env: dict[str, str] | None = None,
) -> list[Service]:
    """The three services in start order: knowledge, actions, rasa."""
    knowledge_url = f"http://{host}:{knowledge_port}"
    rasa_url = f"http://{host}:{rasa_port}"
    return [
        knowledge_service(knowledge_port, rasa_url, host, log_dir, knowledge_env),
        action_service(actions_port, knowledge_url, host, log_dir),
        rasa_service(rasa_port, endpoints_for(actions_port, tracker_db, run_dir), host, log_dir),
    ]


def stop_all(services: Sequence[Service]) -> None:
    """Stop services in reverse start order."""
    for service in reversed(services):
        if service.alive():
            print(f"Stopping {service.name} ...", flush=True)
        service.stop()


def start_all(services: Sequence[Service], log: Callable[[str], None] = print) -> None:
    """Start each service and wait until it is healthy before starting the next."""
    for service in services:
        if service.healthy():
            raise RuntimeError(f"{service.name}: {service.health_url} already answers; is it running already?")
        log(f"Starting {service.name} (log: {service.log_path}) ...")
        service.start()
        started = time.monotonic()
        service.wait_healthy()
        log(f"  {service.name} is up after {time.monotonic() - started:.0f} s: {service.health_url}")


def main(argv: list[str] | None = None) -> int:
    """Command line for `make run` and `make shell`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--knowledge-port", type=int, default=int(os.environ.get("KNOWLEDGE_PORT", 8000)))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--shell", action="store_true", help="chat in the terminal (rasa shell) instead of REST")
    args = parser.parse_args(argv)

    if train() != 0:
        return 1
    services = assistant_services(args.knowledge_port, args.actions_port, args.rasa_port, args.host)
    if args.shell:
        services = services[:2]

    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        start_all(services)
        if args.shell:
            endpoints = endpoints_for(args.actions_port, None)
            command = [str(RASA_BIN), "shell", "--model", str(MODEL_FILE), "--endpoints", str(endpoints)]
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to rasa shell now
            return subprocess.call(command, cwd=BOT, env=rasa_env())
        print(
            "\nBegrotingswijzer is running:\n"
            f"  web chat       http://localhost:{args.knowledge_port}/\n"
            f"  Rasa REST      http://localhost:{args.rasa_port}/webhooks/rest/webhook\n"
            f"  Rasa socket.io http://localhost:{args.rasa_port}/socket.io\n"
            f"  chat widget    http://localhost:{args.knowledge_port}/static/widget.js (sites in BW_EMBED_ORIGINS)\n"
            f"  action server  http://localhost:{args.actions_port}/health\n"
            f"  logs           {LOG_DIR}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        supervisor = Supervisor(services)
        while True:
            supervisor.check()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_all(services)


if __name__ == "__main__":
    sys.exit(main())
