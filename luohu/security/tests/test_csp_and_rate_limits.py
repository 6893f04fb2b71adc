"""Content-Security-Policy on every response; 429 with a bilingual answer past the rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from luohu.accounts.tests.factories import persona

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("divisions")]

REQUIRED_DIRECTIVES = (
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "style-src 'self'",
)


def directives(response: Any) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize(
    ("username", "path"),
    [
        (None, "/login/"),
        (None, "/self-check/"),
        (None, "/progress/"),
        (None, "/no-such-page/"),
        (None, "/api/v1/policy/clauses"),
        (None, "/api/v1/openapi.json"),
        (None, "/healthz"),
        ("clerk_li_huaxian", "/cases/"),
        ("auditor_zhou", "/audit/"),
        ("security_xu", "/security/users/"),
        ("admin_wu", "/admin/"),
    ],
)
def test_every_response_carries_the_strict_policy(
    client: Client, username: str | None, path: str
) -> None:
    """Pages, errors, the API and the admin site: script-src 'self', no objects, no framing."""
    if username:
        client.force_login(persona(username))
    response = client.get(path)
    assert set(REQUIRED_DIRECTIVES) <= directives(response), path
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_rate_limit_answers_429_in_both_languages(client: Client, settings: Any) -> None:
    """Past the limit the progress page answers 429 with Retry-After, zh and en."""
    cache.clear()
    settings.LUOHU_RATE_LIMITS = {"citizen:progress": (3, 60)}
    for _ in range(3):
        assert client.get("/progress/").status_code == 200
    refused = client.get("/progress/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    body = refused.content.decode()
    assert "请求过于频繁" in body and "too many requests" in body
    assert "Content-Security-Policy" in refused
    # Another address has its own count.
    assert client.get("/progress/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_rate_limit_on_the_api_answers_json(client: Client, settings: Any) -> None:
    cache.clear()
    settings.LUOHU_RATE_LIMITS = {"api-1:settlement_check": (1, 60)}
    client.post("/api/v1/policy/settlement/check", "{}", content_type="application/json")
    refused = client.post("/api/v1/policy/settlement/check", "{}", content_type="application/json")
    assert refused.status_code == 429
    [error] = refused.json()["errors"]
    assert (error["code"], error["message_zh"]) == ("rate_limited", "请求过于频繁，请稍后再试")
    assert error["message_en"].startswith("too many requests")


@pytest.mark.parametrize(
    ("name", "method", "path"),
    [
        ("web:login", "post", "/login/"),
        ("citizen:self_check", "get", "/self-check/"),
        ("citizen:apply", "get", "/apply/"),
        ("citizen:progress", "post", "/progress/"),
        ("certificates:verify", "get", "/verify/" + "x" * 32 + "/"),
        ("api-1:settlement_check", "post", "/api/v1/policy/settlement/check"),
    ],
)
def test_every_public_endpoint_is_limited(
    client: Client, settings: Any, name: str, method: str, path: str
) -> None:
    """Login, self-check, apply, progress, /verify/ and the policy check API all stop at the limit."""
    from luohu.config.django import base

    assert name in base.LUOHU_RATE_LIMITS
    cache.clear()
    settings.LUOHU_RATE_LIMITS = {name: (2, 60)}
    statuses = [getattr(client, method)(path).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429]
    assert statuses[2] == 429


def test_pages_hold_no_inline_script_style_or_handlers() -> None:
    """Templates keep JS and CSS in static files (script-src/style-src 'self')."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        # PDF templates (a pdf/ folder or *_pdf.html) are rendered by WeasyPrint,
        # never sent to a browser.
        if "/pdf/" in str(template) or template.name.endswith("_pdf.html"):
            continue
        text = template.read_text(encoding="utf-8")
        if re.search(r"<style|\sstyle=\"|\son[a-z]+=\"|<script(?![^>]*\bsrc=)", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
