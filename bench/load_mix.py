"""Benchmark: a realistic mix of 200 concurrent users against a served platform.

    .venv/bin/python bench/load_mix.py                      # 200 users, 10 minutes, SQLite (WAL)
    .venv/bin/python bench/load_mix.py --duration 60        # one minute
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luohu_loadmix .venv/bin/python bench/load_mix.py

Starts gunicorn (the `bench` extra) on 127.0.0.1 against a fresh database
with the reference divisions, a few hundred applications already in the
queue, and one account per simulated user. Each user is a thread with its
own keep-alive connection from its own loopback address (127.0.0.x), its
own session and CSRF token, and a think time between actions:

- citizens (50 %): self-check page and an engine check through the API,
  apply (API), look up progress (the public form), their own applications;
- clerks (20 %, 滑县): queue, a case page (an audited view), accept a case
  through the API (409 when another clerk was first counts as an answer);
- officials (15 %): the monitoring overview, dated parameters, divisions;
- public (15 %): a certificate check by token, the published progress.

Prints p50/p95/p99 latency, errors and requests/s per kind and overall.
An error is a connection failure or a 5xx. Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

PORT = 8097
KINDS = ("citizen", "clerk", "official", "public")
SHARES = {"citizen": 0.50, "clerk": 0.20, "official": 0.15, "public": 0.15}
COUNTY = "410526"
SEEDED_CASES = 300


@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    first_error: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=600, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            **os.environ,
            "LUOHU_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "luohu.config.django.test",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        os.environ.update(env)
        import django

        django.setup()
        started = time.perf_counter()
        users = prepare(args.users)
        print(f"prepared {len(users)} users in {time.perf_counter() - started:.0f} s")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "luohu.config.wsgi_bench:application",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            wait_for_server()
            return run(users, args)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _session(user: Any) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The test settings' first backend: a session past the second factor.
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    secret = _get_new_csrf_string()
    return {
        "session": store.session_key or "",
        "csrf": secret,
        "masked": _mask_cipher_secret(secret),
    }


def prepare(n_users: int) -> list[dict[str, Any]]:
    """Fresh database, divisions, seeded cases and one signed-in account per user."""
    from django.core.management import call_command
    from django.db import connection

    from luohu.accounts.services import user_create
    from luohu.casework.services import application_submit

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    counts = {kind: round(n_users * SHARES[kind]) for kind in KINDS}
    counts["citizen"] += n_users - sum(counts.values())
    users: list[dict[str, Any]] = []
    seed_owner = user_create(username="load_seed", password="Load-pass-2018", role="applicant")
    for i in range(SEEDED_CASES):
        application_submit(acting_user=seed_owner, data=submit_data(9000 + i, 0))
    for kind in KINDS:
        for i in range(counts[kind]):
            if kind == "public":
                users.append({"kind": kind, "index": i, "session": None})
                continue
            role, county = {
                "citizen": ("applicant", ""),
                "clerk": ("clerk", COUNTY),
                "official": ("city_ndrc", ""),
            }[kind]
            user = user_create(
                username=f"load_{kind}_{i}",
                password="Load-pass-2018",
                role=role,
                jurisdiction_code=county,
            )
            users.append({"kind": kind, "index": i, "session": _session(user)})
    return users


def submit_data(user: int, n: int) -> Any:
    from luohu.casework.tests.factories import submit_in
    from luohu.common.citizen_id import make_citizen_id

    citizen_id = make_citizen_id(
        COUNTY,
        dt.date(1960, 1, 1) + dt.timedelta(days=(user * 3 + n % 3) % 9000),
        2 * (n % 450) + 1,
    )
    return submit_in(facts={"citizen_id": citizen_id}, submission_key=f"load-{user:05d}-{n:05d}")


def check_facts() -> dict[str, Any]:
    from luohu.casework.tests.factories import FAMILY_FACTS

    facts = json.loads(json.dumps(FAMILY_FACTS))
    facts["destination"] = {"division_code": facts["destination"]["division_code"]}
    return facts


def wait_for_server() -> None:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class User:
    """One simulated person with a keep-alive connection from their own address."""

    def __init__(self, spec: dict[str, Any], stats: Stats, rng: random.Random) -> None:
        self.kind = spec["kind"]
        self.index = spec["index"]
        self.session = spec["session"]
        self.stats = stats
        self.rng = rng
        self.source = f"127.0.{1 + (spec['index'] // 250) + KINDS.index(self.kind) * 2}.{2 + spec['index'] % 250}"
        self.conn = self._connect()
        self.submitted: list[tuple[str, str]] = []
        self.n = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", PORT, timeout=60, source_address=(self.source, 0)
        )

    def headers(self, content_type: str | None = None) -> dict[str, str]:
        headers = {"Referer": f"http://127.0.0.1:{PORT}/"}
        if self.session:
            headers["Cookie"] = (
                f"sessionid={self.session['session']}; csrftoken={self.session['csrf']}"
            )
            headers["X-CSRFToken"] = self.session["masked"]
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def request(
        self, label: str, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, bytes]:
        started = time.perf_counter()
        try:
            try:
                self.conn.request(method, path, body=body, headers=self.headers(ctype or None))
                response = self.conn.getresponse()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # The server closed an idle keep-alive connection; a browser
                # reconnects and sends again, and so does this user.
                self.conn.close()
                self.conn = self._connect()
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=self.headers(ctype or None))
                response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = self._connect()
            with self.stats.lock:
                self.stats.errors[self.kind] += 1
                self.stats.first_error.setdefault(self.kind, f"{label}: {type(exc).__name__}")
            return 0, b""
        elapsed = (time.perf_counter() - started) * 1000
        with self.stats.lock:
            self.stats.timings[self.kind].append(elapsed)
            self.stats.statuses[self.kind][response.status] += 1
            if response.status >= 500:
                self.stats.errors[self.kind] += 1
                self.stats.first_error.setdefault(
                    self.kind, f"{label} {path}: {response.status} {data[:120]!r}"
                )
        return response.status, data

    def json(self, label: str, method: str, path: str, payload: Any) -> tuple[int, Any]:
        status, data = self.request(
            label, method, path, json.dumps(payload).encode(), "application/json"
        )
        try:
            return status, json.loads(data or b"null")
        except ValueError:
            return status, None

    # -- the mix ---------------------------------------------------------

    def act(self) -> None:
        getattr(self, f"act_{self.kind}")()

    def act_citizen(self) -> None:
        choice = self.rng.random()
        if choice < 0.35:
            self.request("self-check page", "GET", "/self-check/")
            self.json(
                "self-check", "POST", "/api/v1/policy/settlement/check?trace=false", check_facts()
            )
        elif choice < 0.60:
            data = submit_data(self.index, self.n).model_dump()
            self.n += 1
            status, body = self.json("apply", "POST", "/api/v1/casework/applications", data)
            if status == 201:
                self.submitted.append((body["number"], data["facts"]["citizen_id"][-6:]))
        elif choice < 0.85 and self.submitted:
            number, tail = self.rng.choice(self.submitted)
            form = f"number={number}&id_tail={tail}&csrfmiddlewaretoken={self.session['masked']}"
            self.request(
                "progress",
                "POST",
                "/progress/",
                form.encode(),
                "application/x-www-form-urlencoded",
            )
        else:
            self.request("my applications", "GET", "/my/applications/")

    def act_clerk(self) -> None:
        choice = self.rng.random()
        if choice < 0.35:
            self.request("queue", "GET", "/cases/")
            return
        status, cases = self.json(
            "case list", "GET", "/api/v1/casework/applications?status=submitted", None
        )
        if status != 200 or not cases:
            return
        case = self.rng.choice(cases[:50])
        if choice < 0.75:
            self.request("case page", "GET", f"/cases/{case['number']}/")
        else:
            self.json(
                "accept",
                "POST",
                f"/api/v1/casework/applications/{case['number']}/actions",
                {"action": "accept", "expected_version": case["version"]},
            )

    def act_official(self) -> None:
        choice = self.rng.random()
        if choice < 0.4:
            self.request("monitoring", "GET", "/monitoring/")
        elif choice < 0.7:
            self.request("parameters", "GET", "/api/v1/policy/parameters?on=2024-05-06")
        else:
            self.request(
                "divisions", "GET", f"/api/v1/registry/divisions?on=2024-05-06&parent={COUNTY}"
            )

    def act_public(self) -> None:
        if self.rng.random() < 0.6:
            token = secrets.token_urlsafe(24)[:32]
            self.request("verify", "GET", f"/verify/{token}/")
        else:
            self.request("public progress", "GET", "/public/progress/")


def run(users: list[dict[str, Any]], args: argparse.Namespace) -> int:
    from django.db import connection

    stats = Stats()
    stop = threading.Event()
    gate = threading.Barrier(len(users) + 1)

    def worker(spec: dict[str, Any]) -> None:
        rng = random.Random(hash((spec["kind"], spec["index"])))  # noqa: S311
        user = User(spec, stats, rng)
        gate.wait()
        # Users arrive over the first few seconds, not in one burst.
        time.sleep(rng.uniform(0, min(5.0, args.think * 5)))
        while not stop.is_set():
            user.act()
            stop.wait(rng.expovariate(1 / args.think))

    threads = [threading.Thread(target=worker, args=(u,), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    time.sleep(args.duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    wall = time.perf_counter() - started

    def line(label: str, timings: list[float], errors: int) -> str:
        if not timings:
            return f"{label:<9} no answers, errors {errors}"
        timings = sorted(timings)
        p95 = timings[max(0, int(0.95 * len(timings)) - 1)]
        p99 = timings[max(0, int(0.99 * len(timings)) - 1)]
        return (
            f"{label:<9} requests {len(timings):>7}  {len(timings) / wall:>6.1f}/s  "
            f"p50 {statistics.median(timings):>6.0f} ms  p95 {p95:>6.0f} ms  "
            f"p99 {p99:>6.0f} ms  errors {errors}"
        )

    counts = {kind: sum(1 for u in users if u["kind"] == kind) for kind in KINDS}
    print(
        f"{connection.vendor}, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{len(users)} users {counts}, think {args.think} s, {wall:.0f} s of load"
    )
    for kind in KINDS:
        print(line(kind, stats.timings[kind], stats.errors[kind]))
        codes = dict(sorted(stats.statuses[kind].items()))
        print(
            f"{'':<9} statuses {codes}"
            + (f"  first error: {stats.first_error[kind]}" if kind in stats.first_error else "")
        )
    everything = [t for kind in KINDS for t in stats.timings[kind]]
    print(line("overall", everything, sum(stats.errors.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
