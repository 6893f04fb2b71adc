"""Benchmark (4): POST /api/v1/policy/settlement/check under 32 concurrent clients on loopback.

    .venv/bin/python bench/policy_http.py [--requests 6000] [--workers 2]

Sets up an SQLite database with the reference divisions under
var/bench/http/, starts gunicorn on 127.0.0.1 (its own process group,
stopped at the end; gthread workers so connections are kept alive), and
drives it from one asyncio process over 32 kept-alive connections. Bounded: a fixed number of requests and a 120 s cap.
Client and server share the machine's two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8765
PATH = "/api/v1/policy/settlement/check?trace=true"
DEADLINE_SECONDS = 120


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="luohu.config.django.base",
        LUOHU_VAR_DIR=str(ROOT / "var" / "bench" / "http"),
        DJANGO_DEBUG="0",
    )
    env.pop("DATABASE_URL", None)
    return env


def prepare(env: dict[str, str]) -> None:
    Path(env["LUOHU_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    for command in (["migrate", "--noinput", "-v", "0"], ["load_divisions"]):
        subprocess.run([str(BIN / "luohu"), *command], env=env, check=True, capture_output=True)


def body() -> bytes:
    sys.path.insert(0, str(ROOT))
    from luohu.policy.casefiles import Case, case_facts

    facts = case_facts(Case("", "", {"persona": "zhao_worker"}))
    facts["destination"] = {"division_code": facts["destination"]["division_code"]}
    return json.dumps(facts, default=str).encode()


def request_bytes(payload: bytes) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[float, int]:
    """One request on a kept-alive connection; the body is read by Content-Length."""
    started = time.perf_counter()
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return time.perf_counter() - started, status


async def load(raw: bytes, total: int, concurrency: int) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    statuses: list[int] = []
    remaining = total
    deadline = time.monotonic() + DEADLINE_SECONDS

    async def client() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection(HOST, PORT)
        try:
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                latency, status = await exchange(reader, writer, raw)
                latencies.append(latency)
                statuses.append(status)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def wait_for_port(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, PORT)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (BIN / "gunicorn").exists():
        print("gunicorn is not installed (bench extra: pip install -e '.[bench]'); skipped")
        return
    env = environment()
    prepare(env)
    raw = request_bytes(body())
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"), "luohu.config.wsgi:application",
            "--bind", f"{HOST}:{PORT}", "--workers", str(args.workers),
            "--worker-class", "gthread", "--threads", "16", "--keep-alive", "30",
            "--backlog", "256", "--log-level", "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port()
        asyncio.run(load(raw, 200, args.concurrency))  # warm-up
        latencies, statuses, seconds = asyncio.run(load(raw, args.requests, args.concurrency))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    ok = sum(1 for s in statuses if s == 200)
    print(
        f"{len(ms)} requests, {ok} answered 200, {args.concurrency} concurrent clients, "
        f"{args.workers} gunicorn workers: p50 {statistics.median(ms):.1f} ms, "
        f"p99 {ms[int(len(ms) * 0.99) - 1]:.1f} ms, {len(ms) / seconds:.0f} requests/s"
    )


if __name__ == "__main__":
    main()
