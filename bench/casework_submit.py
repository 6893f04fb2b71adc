"""Benchmark: 200 citizens submitting applications at once over loopback HTTP.

    .venv/bin/python bench/casework_submit.py                       # SQLite (WAL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luohu_bench .venv/bin/python bench/casework_submit.py

Starts gunicorn (the `bench` extra) on 127.0.0.1 against a fresh database,
signs in N applicant accounts, then N client threads each POST M
applications to /api/v1/casework/applications (JSON, session + CSRF, as a
browser would). Every answer is timed; afterwards every acknowledged
application number is looked up in the database. Prints p50/p95/p99,
requests/s, errors, and the goal (p95 <= 300 ms, 0 errors, all present).
Only loopback is contacted; the run is bounded by N x M requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie

GOAL_P95_MS = 300.0
PORT = 8099


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--each", type=int, default=5, help="applications per client")
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
        sessions = prepare(args.clients)
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
            return run(sessions, args.each, args)
        finally:
            server.terminate()
            server.wait(timeout=30)


def prepare(n_clients: int) -> list[tuple[str, str]]:
    """Fresh database, divisions, and N signed-in applicants: (session id, csrf token)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from luohu.accounts.services import user_create

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    sessions = []
    for i in range(n_clients):
        user = user_create(
            username=f"bench_citizen_{i}", password="Bench-pass-2018", role="applicant"
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        secret = _get_new_csrf_string()
        sessions.append((store.session_key, secret, _mask_cipher_secret(secret)))
    return [(key, f"{secret}|{masked}") for key, secret, masked in sessions]


def wait_for_server() -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def body(client: int, n: int) -> bytes:
    from luohu.casework.tests.factories import submit_in
    from luohu.common.citizen_id import make_citizen_id

    citizen_id = make_citizen_id(
        "410526", dt.date(1970, 1, 1) + dt.timedelta(days=client), 2 * n + 1
    )
    data = submit_in(
        facts={"citizen_id": citizen_id}, submission_key=f"bench-{client:04d}-{n:03d}"
    ).model_dump()
    return json.dumps(data).encode()


def run(sessions: list[tuple[str, str]], each: int, args: argparse.Namespace) -> int:
    from luohu.casework.models import SettlementApplication

    timings: list[float] = []
    acknowledged: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    payloads = [[body(c, n) for n in range(each)] for c in range(len(sessions))]
    start_gate = threading.Barrier(len(sessions))

    def client(index: int) -> None:
        session_key, csrf = sessions[index]
        secret, masked = csrf.split("|")
        cookie = SimpleCookie()
        cookie["sessionid"] = session_key
        cookie["csrftoken"] = secret
        headers = {
            "Content-Type": "application/json",
            "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookie.items()),
            "X-CSRFToken": masked,
            "Referer": f"http://127.0.0.1:{PORT}/",
        }
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        start_gate.wait()
        for payload in payloads[index]:
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/casework/applications", body=payload, headers=headers)
                response = conn.getresponse()
                text = response.read()
            except OSError as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                timings.append(elapsed)
                if response.status == 201:
                    acknowledged.append(json.loads(text)["number"])
                else:
                    errors.append(f"{response.status} {text[:120]!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sessions))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    present = SettlementApplication.objects.filter(number__in=acknowledged).count()
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * len(timings)) - 1]
    p99 = timings[int(0.99 * len(timings)) - 1]
    from django.db import connection

    print(
        f"{connection.vendor}, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{len(sessions)} clients x {each} submissions"
    )
    print(f"requests {len(timings)}, wall {wall:.1f} s, {len(timings) / wall:.0f} requests/s")
    print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {timings[-1]:.0f} ms")
    print(f"errors {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"acknowledged {len(acknowledged)}, present afterwards {present}")
    met = p95 <= GOAL_P95_MS and not errors and present == len(acknowledged)
    print(f"goal p95 <= {GOAL_P95_MS:.0f} ms, 0 errors, all present: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
