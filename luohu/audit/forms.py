from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luohu.audit.events import AuditEventType, event_label
from luohu.audit.selectors import AuditFilter

AUDIT_DATE_RANGE_REVERSED = "起始日期晚于截止日期。 The start date is after the end date."


def _event_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (str(int(code)), f"{int(code)} {event_label(code)}") for code in AuditEventType
    ]


class AuditSearchForm(forms.Form):
    event_type = forms.TypedChoiceField(
        label=_("Event"), choices=_event_choices, coerce=int, required=False, empty_value=None
    )
    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    object_type = forms.CharField(label=_("Object type"), max_length=64, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"),
        max_length=6,
        required=False,
        validators=[RegexValidator(r"^[0-9]{6}$")],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            raise forms.ValidationError(AUDIT_DATE_RANGE_REVERSED)
        return data

    def to_filter(self) -> AuditFilter:
        """Turn the cleaned form into a filter; dates are local (Asia/Shanghai) days."""
        data = self.cleaned_data
        zone = ZoneInfo(timezone.get_current_timezone_name())

        def start_of(day: dt.date | None) -> dt.datetime | None:
            # The calendar's first day bounds nothing from below, and its
            # local midnight cannot be moved to UTC: leave it out.
            if day is None or day == dt.date.min:
                return None
            return dt.datetime.combine(day, dt.time(), tzinfo=zone)

        # Up to and including the calendar's last day bounds nothing; there
        # is no day after it to stop before.
        end = data.get("date_to")
        return AuditFilter(
            event_type=data.get("event_type"),
            actor_username=data.get("actor", ""),
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            jurisdiction_code=data.get("jurisdiction", ""),
            occurred_from=start_of(data.get("date_from")),
            occurred_before=None
            if end is None or end == dt.date.max
            else start_of(end + dt.timedelta(days=1)),
        )
