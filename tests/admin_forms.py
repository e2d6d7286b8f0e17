"""Fill a Django admin change form as a browser would: every field it shows, with its value."""

from typing import Any

from django.contrib.admin.widgets import AdminSplitDateTime
from django.forms import BooleanField, ModelMultipleChoiceField
from django.test import Client


def change_form_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """What the admin change form at `url` would post unchanged, then `changes` on top (also for
    fields the form does not show: the admin must ignore those)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, AdminSplitDateTime):
            moment = form.initial.get(name)
            data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
            data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
        elif isinstance(field, BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, ModelMultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in value or []]
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data
