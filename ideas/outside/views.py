"""Product managers' import of outside feedback, in two steps: the file (kept privately), then
its columns, then the report. Under the `themes` namespace: the themes' permission and the
staff's two-factor session (accounts.mfa) apply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import authenticated_user
from ideas.models import SignalImport
from ideas.outside import selectors, services
from ideas.outside.forms import MappingForm, UploadForm
from ideas.outside.reading import FileRefused
from ideas.themes.views import theme_manager_required


@theme_manager_required
def upload(request: HttpRequest) -> HttpResponse:
    status = 200
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                batch = services.signal_upload_store(
                    actor=authenticated_user(request),
                    file=file,
                    file_name=file.name,
                    size=file.size,
                    encoding=form.cleaned_data["encoding"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("themes:signals_map", pk=batch.pk)
    context = {"form": form, "imports": selectors.signal_imports_recent()}
    return render(request, "themes/signals_upload.html", context, status=status)


@theme_manager_required
def map_columns(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.signal_import_get(pk=pk)
    if batch.state != SignalImport.State.UPLOADED or not batch.stored_name:
        return redirect("themes:signals_report", pk=batch.pk)
    try:
        shown = services.signal_upload_preview(batch=batch)
    except FileRefused as refusal:
        services.signal_upload_refuse(batch=batch, refusal=refusal)
        return redirect("themes:signals_report", pk=batch.pk)
    except FileNotFoundError:
        messages.error(request, _("The uploaded file is gone: upload it again."))
        return redirect("themes:signals")
    status = 200
    if request.method == "POST":
        form = MappingForm(request.POST, header=shown.header)
        status = 400
        if form.is_valid():
            batch = services.signal_upload_import(
                actor=authenticated_user(request),
                batch=batch,
                mapping=form.mapping(),
                skip_rejected=form.cleaned_data["skip_rejected"],
            )
            return redirect("themes:signals_report", pk=batch.pk)
    else:
        initial = {f"{name}_column": column for name, column in shown.guesses.items()}
        form = MappingForm(initial=initial, header=shown.header)
    context = {"batch": batch, "preview": shown, "form": form}
    return render(request, "themes/signals_map.html", context, status=status)


@require_GET
@theme_manager_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.signal_import_get(pk=pk)
    return render(request, "themes/signals_report.html", {"batch": batch})
