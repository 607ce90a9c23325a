"""The admin's CSV import and export, shared by every model that offers them.

Exports and imports go through crm/spreadsheet.SafeCSV (formula cells guarded, encodings
checked). A file of up to settings.IMPORT_BACKGROUND_ROWS rows keeps django-import-export's
preview and confirm; a larger one is handed to a background job (crm/imports.py) and the owner
is sent to a page that follows its progress.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from import_export.admin import ImportExportModelAdmin

from crm import imports
from crm.models import ImportJob
from crm.spreadsheet import SafeCSV, UnreadableFile, read_csv

# Seconds between reloads of a running job's page (a meta refresh: no script, so the strict
# Content Security Policy holds).
JOB_PAGE_REFRESH_SECONDS = 2


class CsvImportExportAdmin(ImportExportModelAdmin):
    """CSV import and export; an import saves the whole file or nothing."""

    import_formats = [SafeCSV]
    export_formats = [SafeCSV]
    import_job_template_name = "admin/import_job.html"

    def get_urls(self):
        info = self.get_model_info()
        job_url = path(
            "import/jobs/<int:job_id>/",
            self.admin_site.admin_view(self.import_job_view),
            name="{}_{}_import_job".format(*info),
        )
        return [job_url, *super().get_urls()]

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            job = self._start_background_import(request)
            if job is not None:
                return HttpResponseRedirect(job.get_absolute_url())
        return super().import_action(request, **kwargs)

    def _start_background_import(self, request) -> ImportJob | None:
        """Hand a large file to a worker; leave a small or unreadable one to the preview."""
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        try:
            rows = read_csv(data).height
        except UnreadableFile:
            # The preview step reads the file again and shows the reason beside the field.
            return None
        if rows <= settings.IMPORT_BACKGROUND_ROWS:
            return None
        return imports.start_import(
            actor=request.user,
            resource_class=self.choose_import_resource_class(form, request),
            data=data,
            file_name=upload.name,
            rows=rows,
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_job_view(self, request, job_id: int):
        if not self.has_import_permission(request):
            raise PermissionDenied
        paths = [imports.resource_path(r) for r in self.get_import_resource_classes(request)]
        job = get_object_or_404(
            ImportJob.objects.select_related("created_by").defer("content"),
            pk=job_id,
            resource__in=paths,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import of %(file)s") % {"file": job.file_name},
            "opts": self.model._meta,
            "job": job,
            "refresh_seconds": None if job.is_finished else JOB_PAGE_REFRESH_SECONDS,
            "changelist_url": reverse(
                "admin:{}_{}_changelist".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            ),
            "import_url": reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_job_template_name, context)

    def process_result(self, result, request):
        # The confirmed import runs again on the data as it is now; if a row fails this time
        # (say its account owner was removed since the preview), the file was rolled back.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                gettext(
                    "Nothing was imported: the file no longer passes its checks, as the data "
                    "changed since the preview. Upload it again to see which lines fail."
                ),
                level=messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_changelist".format(*self.get_model_info()))
            )
        return super().process_result(result, request)
