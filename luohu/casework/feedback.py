"""Turn a refused request into messages on the page the user returns to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.http import Http404, HttpRequest

from luohu.casework.errors import CaseworkError
from luohu.common.errors import FieldError


@contextmanager
def refusals_as_messages(request: HttpRequest) -> Iterator[None]:
    """Show FieldError and CaseworkError as bilingual messages; out of reach is a 404."""
    try:
        yield
    except FieldError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message_zh} / {problem.message_en}")
    except CaseworkError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, f"{exc.message_zh} / {exc.message_en}")
