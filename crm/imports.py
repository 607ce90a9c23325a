"""Large CSV imports, run by a Celery worker: every row checked with progress, then all saved.

A file too large for the admin's preview and confirm (settings.IMPORT_BACKGROUND_ROWS) becomes
an ImportJob holding the file. A worker claims it and runs two passes over the rows, each
through the resource's own widgets and validation (django-import-export), so the messages and
line numbers are those of the preview:

1. **Check**, outside any transaction: rows are read in batches and the progress written after
   each batch, so the owner's page (another connection) sees it move. Every bad row is
   collected; a file with any bad row imports nothing.
2. **Save**, in one transaction: the rows are read again (the data may have changed since the
   check, say an account owner left) and saved batch by batch through the resource's
   ``save_batch`` (bulk inserts where the resource allows). A row that fails now rolls the
   whole file back and is reported by its line.

The resource is any django-import-export ModelResource; ``save_batch(rows, actor=...)`` is used
when it has one (customers/resources.py), else each row is saved by ``do_instance_save``.
Line numbers count the header as line 1, as a spreadsheet numbers its rows.
"""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from import_export.instance_loaders import ModelInstanceLoader

from crm.models import ImportJob
from crm.spreadsheet import UnreadableFile, read_csv

logger = logging.getLogger(__name__)

# Rows read, checked and saved together: large enough that the per-batch work (a progress write,
# a bulk insert) is cheap per row, small enough to keep a worker's memory flat.
BATCH_ROWS = 500
# Bad rows kept for the page; the count covers them all.
ERRORS_KEPT = 200
HEADER_LINES = 1


class RowsRefused(Exception):
    """Rows of the file failed their checks; nothing may be saved."""

    def __init__(self, errors: list[dict], *, failure: str = ""):
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors
        self.failure = failure


def import_permission(resource_class) -> str:
    """Return the permission a person needs to import with the resource: adding its model."""
    opts = resource_class._meta.model._meta
    return f"{opts.app_label}.add_{opts.model_name}"


def can_import(user, resource_class) -> bool:
    """Tell whether the user may import with the resource: an admin user who may add its model."""
    return user.is_active and user.is_staff and user.has_perm(import_permission(resource_class))


def resource_path(resource_class) -> str:
    return f"{resource_class.__module__}.{resource_class.__qualname__}"


@transaction.atomic
def start_import(*, actor, resource_class, data: bytes, file_name: str, rows: int) -> ImportJob:
    """Keep the uploaded file as a job and have a worker import it once this commits."""
    from crm.tasks import run_import_job as task

    if not can_import(actor, resource_class):
        raise PermissionDenied(_("You may not import these records."))
    job = ImportJob.objects.create(
        resource=resource_path(resource_class),
        file_name=file_name[:255],
        content=data,
        created_by=actor,
        total_rows=rows,
    )
    # With the broker down the job waits, visibly queued, rather than failing the upload.
    transaction.on_commit(lambda: task.delay(job.pk), robust=True)
    return job


# A job still queued this long after its upload missed its task (the broker was down): send it
# again. A job running this long lost its worker: the save pass is one transaction, so nothing
# of it was kept, and the owner is told to upload the file again.
QUEUED_GRACE = timedelta(minutes=2)
RUNNING_LIMIT = timedelta(hours=1)


def resume_import_jobs(*, now: datetime | None = None) -> int:
    """Re-send the jobs whose task never ran and fail those whose worker died; return the count."""
    from crm.tasks import run_import_job as task

    now = now or timezone.now()
    ImportJob.objects.filter(
        status__in=[ImportJob.Status.CHECKING, ImportJob.Status.SAVING],
        started_at__lt=now - RUNNING_LIMIT,
    ).update(
        status=ImportJob.Status.FAILED,
        failure=_("The worker stopped before the import finished; nothing was imported."),
        finished_at=now,
        content=b"",
    )
    waiting = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED, created_at__lt=now - QUEUED_GRACE
        ).values_list("pk", flat=True)
    )
    for job_id in waiting:
        # The claim in run_import_job makes a second delivery of the same job a no-op.
        task.delay(job_id)
    return len(waiting)


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Check and save the job's file; return None when another delivery already claimed it."""
    # The claim makes a redelivered task a no-op: only one worker moves the job off "queued".
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CHECKING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        created, updated = _check_then_save(job)
    except RowsRefused as refused:
        _finish(job, ImportJob.Status.FAILED, errors=refused.errors, failure=refused.failure)
    except UnreadableFile as error:
        _finish(job, ImportJob.Status.FAILED, failure=str(error))
    except PermissionDenied:
        _finish(
            job,
            ImportJob.Status.FAILED,
            failure=_("%(user)s may no longer import these records.") % {"user": job.created_by},
        )
    except Exception:
        # Recorded on the job, so the owner's page ends instead of waiting for ever.
        logger.exception("Import job %s failed", job_id)
        _finish(
            job,
            ImportJob.Status.FAILED,
            failure=_("The import stopped on an unexpected error; nothing was imported."),
        )
    else:
        _finish(job, ImportJob.Status.DONE, created=created, updated=updated)
    return job


def _check_then_save(job: ImportJob) -> tuple[int, int]:
    actor = job.created_by
    resource_class = import_string(job.resource)
    if not can_import(actor, resource_class):
        raise PermissionDenied
    dataset = read_csv(bytes(job.content))
    job.content = b""  # read; no need to hold the file while the rows are worked through
    resource = _prepared(resource_class, dataset, actor=actor)
    loader = NewRowsWithoutQueryLoader(resource, dataset)

    errors = []
    for start, rows in _batches(dataset):
        errors.extend(_checked(resource, loader, rows, start, keep=None))
        ImportJob.objects.filter(pk=job.pk).update(rows_checked=start + len(rows))
    if errors:
        raise RowsRefused(errors)

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING)
    created = updated = 0
    # A fresh resource, so nothing the check pass looked up (and may since have changed) is
    # reused.
    resource = _prepared(resource_class, dataset, actor=actor)
    loader = NewRowsWithoutQueryLoader(resource, dataset)
    with transaction.atomic():
        for start, rows in _batches(dataset):
            checked = []
            if errors := _checked(resource, loader, rows, start, keep=checked):
                raise RowsRefused(
                    errors,
                    failure=_(
                        "The data changed while the file was being saved, and these rows no "
                        "longer pass their checks. Nothing was imported."
                    ),
                )
            _save(resource, checked, actor=actor)
            created += sum(1 for _instance, new in checked if new)
            updated += sum(1 for _instance, new in checked if not new)
    return created, updated


def _prepared(resource_class, dataset, *, actor):
    resource = resource_class()
    resource.before_import(dataset, user=actor)
    return resource


def _batches(dataset) -> Iterator[tuple[int, list[dict]]]:
    headers = dataset.headers
    for start in range(0, dataset.height, BATCH_ROWS):
        yield (
            start,
            [dict(zip(headers, row, strict=True)) for row in dataset[start : start + BATCH_ROWS]],
        )


def _checked(resource, loader, rows, start: int, *, keep: list | None) -> list[dict]:
    """Read each row into an instance; return the bad rows, keep the good ones when asked."""
    errors = []
    for offset, row in enumerate(rows, 1):
        line = start + offset + HEADER_LINES
        try:
            instance, new = resource.get_or_init_instance(loader, row)
            field_errors = {}
            try:
                resource.import_instance(instance, row)
            except ValidationError as error:
                field_errors = error.update_error_dict(field_errors)
            resource.validate_instance(instance, field_errors)
        except ValidationError as error:
            errors.append({"line": line, "errors": _messages(error)})
        except ValueError as error:
            errors.append({"line": line, "errors": {NON_FIELD_ERRORS: [str(error)]}})
        else:
            if keep is not None:
                keep.append((instance, new))
    return errors


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: list(error.messages)}


def _save(resource, checked: list, *, actor) -> None:
    save_batch = getattr(resource, "save_batch", None)
    if save_batch is not None:
        save_batch(checked, actor=actor)
        return
    for instance, new in checked:
        resource.do_instance_save(instance, new)


def _finish(job: ImportJob, status, *, errors=(), failure="", created=0, updated=0) -> None:
    errors = list(errors)
    job.status = status
    job.errors = errors[:ERRORS_KEPT]
    job.error_count = len(errors)
    job.failure = failure
    job.created_count, job.updated_count = created, updated
    job.finished_at = timezone.now()
    # The file has served its purpose; a failed one is fixed and uploaded again.
    job.content = b""
    job.save(
        update_fields=[
            "status",
            "errors",
            "error_count",
            "failure",
            "created_count",
            "updated_count",
            "finished_at",
            "content",
        ]
    )


class NewRowsWithoutQueryLoader(ModelInstanceLoader):
    """Look a row's record up by its id; a row without one is new, with no query to say so."""

    def get_instance(self, row):
        columns = [
            self.resource.fields[key].column_name for key in self.resource.get_import_id_fields()
        ]
        if not any(str(row.get(column) or "").strip() for column in columns):
            return None
        return super().get_instance(row)
