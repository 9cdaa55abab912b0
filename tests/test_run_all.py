"""scripts/run_all.py's Supervisor: back-off 1, 2, 4 … 30 s, the cause of death reported, restart after the delay."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import run_all  # noqa: E402


def crashing_service(tmp_path: Path) -> run_all.Service:
    """A process that logs a line and exits with code 3."""
    return run_all.Service(
        name="crasher",
        command=[sys.executable, "-c", "import sys; print('boom: index missing', flush=True); sys.exit(3)"],
        health_url="", log_path=tmp_path / "crasher.log",
    )


def test_exit_reason() -> None:
    assert run_all.exit_reason(3) == "exit code 3"
    assert run_all.exit_reason(-9) == "killed by SIGKILL"
    assert run_all.exit_reason(None) == "still running"


def test_supervisor_backs_off_and_reports_why(tmp_path: Path) -> None:
    service = crashing_service(tmp_path)
    now = [0.0]
    reports: list[str] = []
    supervisor = run_all.Supervisor([service], log=reports.append, clock=lambda: now[0])
    service.start()
    delays = []
    for _ in range(8):
        assert service.process is not None
        service.process.wait(timeout=30)
        supervisor.check()  # notices the death, schedules the restart
        report = reports[-1]
        assert "crasher stopped unexpectedly (exit code 3)" in report and "boom: index missing" in report
        delay = float(report.split("restarting in ")[1].split(" s")[0])
        delays.append(delay)
        now[0] += delay - 0.5
        supervisor.check()
        assert not service.alive() and supervisor.restarts.get("crasher", 0) == len(delays) - 1  # not yet
        now[0] += 0.5
        supervisor.check()  # due: restarted
        assert reports[-1].startswith("Restarting crasher")
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    service.stop()


def test_backoff_resets_after_a_stable_run(tmp_path: Path) -> None:
    service = run_all.Service(name="sleeper", command=[sys.executable, "-c", "import time; time.sleep(60)"],
                              health_url="", log_path=tmp_path / "sleeper.log")
    now = [0.0]
    reports: list[str] = []
    supervisor = run_all.Supervisor([service], log=reports.append, clock=lambda: now[0], stable_after=10)
    supervisor._delay["sleeper"] = 16.0  # after several crashes
    supervisor._started["sleeper"] = 0.0
    service.start()
    try:
        now[0] = 11.0
        supervisor.check()
        assert "sleeper" not in supervisor._delay
        service.stop()
        time.sleep(0.1)
        supervisor.check()
        assert "restarting in 1 s" in reports[-1]
    finally:
        service.stop()
