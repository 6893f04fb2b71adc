"""Kill the server with SIGKILL in the middle of citizen submissions, restart, check.

The real platform runs under gunicorn in its own process group, on a
file-backed SQLite database and on a PostgreSQL database of its own. Many
applicants submit applications at once through the API (session + CSRF,
as a browser does); mid-stream the whole process group gets SIGKILL, so no
worker finishes, flushes or rolls back anything. After a restart:

- every submission that was acknowledged (201 with its number) is there;
- no application is half-written: each has its family members, its first
  status-history step and its CASE_SUBMITTED audit entry, and no audit entry
  names an application that does not exist;
- SQLite's ``PRAGMA integrity_check`` says ok and no foreign key dangles;
  on PostgreSQL every CHECK and foreign-key constraint holds for every row;
- ``luohu audit verify`` passes, and the restarted server takes submissions.

On SQLite the database file then disappears from under the running server:
pages answer the bilingual 503, not a traceback.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from luohu.casework.tests.factories import submit_in
from luohu.common.citizen_id import make_citizen_id

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 24
KILL_AFTER_ACKNOWLEDGED = 30
KILL_DEADLINE_S = 60.0
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def platform_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment of a platform on a database of its own."""
    var_dir = tmp_path / "var"
    (var_dir / "db").mkdir(parents=True)
    env = {
        **os.environ,
        "LUOHU_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "luohu.config.django.test",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    if request.param == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'db' / 'luohu.sqlite3'}"
        yield env
        return
    name = f"luohu_faults_{uuid.uuid4().hex[:8]}"
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 (any failure to reach PostgreSQL)
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    env["DATABASE_URL"] = f"{PG_BASE}/{name}"
    try:
        yield env
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _platform(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults._platform", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


class Server:
    """gunicorn in its own process group, so SIGKILL reaches every worker."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "luohu.config.wsgi_bench:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "6",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _payload(client: int, n: int) -> bytes:
    citizen_id = make_citizen_id(
        "410526", dt.date(1960, 1, 1) + dt.timedelta(days=client * 200 + n), 2 * (n % 400) + 1
    )
    data = submit_in(facts={"citizen_id": citizen_id}, submission_key=f"fault-{client:03d}-{n:04d}")
    return json.dumps(data.model_dump()).encode()


def _headers(session: dict[str, str], port: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Cookie": f"sessionid={session['session']}; csrftoken={session['csrf']}",
        "X-CSRFToken": session["masked"],
        "Referer": f"http://127.0.0.1:{port}/",
    }


def _submit(port: int, session: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", "/api/v1/casework/applications", body=body, headers=_headers(session, port)
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def test_sigkill_mid_submission_loses_nothing_acknowledged_and_half_writes_nothing(
    platform_env: dict[str, str], tmp_path: Path
) -> None:
    started = time.monotonic()
    sessions = _platform(platform_env, "prepare", str(CLIENTS))["sessions"]
    prepared = time.monotonic()
    server = Server(platform_env)
    server.start()
    acknowledged: list[str] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(index: int) -> None:
        n = 0
        while not stop.is_set():
            try:
                status, body = _submit(server.port, sessions[index], _payload(index, n))
            except (OSError, http.client.HTTPException, ValueError):
                with lock:
                    statuses["connection error"] = statuses.get("connection error", 0) + 1
                time.sleep(0.05)
                continue
            finally:
                n += 1
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 201:
                    acknowledged.append(body["number"])

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + KILL_DEADLINE_S
        while len(acknowledged) < KILL_AFTER_ACKNOWLEDGED and time.monotonic() < deadline:
            time.sleep(0.05)
        # Mid-stream: requests are in flight in every worker thread.
        server.kill()
        killed_at_acknowledged = len(acknowledged)
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        assert killed_at_acknowledged >= 1, statuses
        assert statuses.get("connection error", 0) >= 1, statuses

        server.start()
        status, body = _submit(server.port, sessions[0], _payload(0, 9999))
        assert status == 201, body
        acknowledged.append(body["number"])
    finally:
        stop.set()
        server.stop()

    numbers = tmp_path / "acknowledged.json"
    numbers.write_text(json.dumps(acknowledged))
    report = _platform(platform_env, "check", str(numbers))
    finished = time.monotonic()
    print(  # noqa: T201 (the figures for docs/security-proof.md)
        f"\n{report['vendor']}: prepare {prepared - started:.0f} s, "
        f"fire+kill+restart+check {finished - prepared:.0f} s; answers {statuses}; "
        f"acknowledged {len(acknowledged)}, applications {report['applications']}, "
        f"report {json.dumps({k: v for k, v in report.items() if k != 'vendor'})}"
    )
    assert report["acknowledged_missing"] == []
    assert report["half_written"] == []
    assert report["audit_entries_without_application"] == []
    assert report["applications"] >= len(acknowledged)
    assert report["audit_ok"] is True
    if report["vendor"] == "sqlite":
        assert report["integrity_check"] == ["ok"]
        assert report["foreign_key_violations"] == 0
    else:
        assert report["constraints_checked"] > 10
        assert report["constraint_violations"] == []
    verify = subprocess.run(
        [sys.executable, "-m", "luohu", "audit", "verify", "--no-progress"],
        env=platform_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "OK:" in verify.stdout


def test_a_lost_sqlite_file_gives_the_bilingual_503(tmp_path: Path) -> None:
    """The database disappears under a running server: 503 with Retry-After, no traceback."""
    var_dir = tmp_path / "var"
    (var_dir / "db").mkdir(parents=True)
    env = {
        **os.environ,
        "LUOHU_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "luohu.config.django.test",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{var_dir / 'db' / 'luohu.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "-m", "luohu", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    server = Server(env)
    server.start()
    try:
        (var_dir / "db").rename(var_dir / "db-gone")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/api/v1/registry/divisions?on=2024-01-01")
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 503
        assert response.getheader("Retry-After") == "30"
        assert "暂时无法访问数据库" in body and "The database is unavailable" in body
        assert "Traceback" not in body and "OperationalError" not in body
    finally:
        server.stop()
