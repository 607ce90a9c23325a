"""Background CSV imports: checked with progress, saved whole or not at all, run once."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.utils import timezone

from crm import imports
from crm.models import ImportJob
from crm.tasks import run_import_job
from customers.models import Contact, Customer
from customers.resources import ContactResource, CustomerResource
from tests.factories import CustomerFactory, UserFactory
from tests.worker import celery_worker

pytestmark = pytest.mark.django_db

HEADER = "name,kind,status,account_owner,phone,email"


def customer_rows(count: int, *, owner: str = "sam") -> list[str]:
    return [
        f"Customer {n},business,active,{owner},+1 202 555 {n % 10000:04d},c{n}@example.com"
        for n in range(count)
    ]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def start(actor, data: bytes, *, resource=CustomerResource) -> ImportJob:
    return imports.start_import(
        actor=actor, resource_class=resource, data=data, file_name="big.csv", rows=0
    )


@pytest.fixture
def sam(db):
    return UserFactory(username="sam")


def test_a_job_imports_every_row_through_celery_and_records_who(
    owner, sam, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, csv_bytes(*customer_rows(1200)))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.updated_count, job.rows_checked) == (1200, 0, 1200)
    assert Customer.objects.count() == 1200
    customer = Customer.objects.get(name="Customer 7")
    # The bulk path fills what Customer.save() would, and writes the history.
    assert customer.phone_normalised == "+12025550007"
    assert customer.search_name == "customer 7"
    assert customer.became_customer_on is not None
    assert customer.account_owner == sam
    assert customer.history.get().history_user == owner
    # The file is not kept once it has been imported.
    assert bytes(job.content) == b""


def test_one_bad_row_imports_nothing_and_names_its_line(owner, sam):
    rows = customer_rows(1200)
    rows[1000] = rows[1000].replace("c1000@example.com", "not-an-email")
    rows[3] = rows[3].replace(",sam,", ",nobody,")
    job = start(owner, csv_bytes(*rows))

    imports.run_import_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Customer.objects.exists()
    # Line 1 is the header, so the fourth data row is line 5.
    assert [(error["line"], list(error["errors"])) for error in job.errors] == [
        (5, ["account_owner"]),
        (1002, ["email"]),
    ]
    assert "Nobody active has the username “nobody”" in job.errors[0]["errors"]["account_owner"][0]
    assert job.error_count == 2
    assert job.rows_checked == 1200


def test_a_redelivered_task_imports_nothing_twice(owner, sam):
    job = start(owner, csv_bytes(*customer_rows(3)))

    run_import_job(job.pk)
    run_import_job(job.pk)

    assert Customer.objects.count() == 3
    assert imports.run_import_job(job_id=job.pk) is None


def test_rows_with_an_id_update_their_customer_and_move_its_version_on(owner, sam):
    customer = CustomerFactory(name="Old name")
    header = f"id,{HEADER}"
    job = start(owner, csv_bytes(f"{customer.pk},{customer_rows(1)[0]}", header=header))

    imports.run_import_job(job_id=job.pk)

    job.refresh_from_db()
    customer.refresh_from_db()
    assert (job.status, job.updated_count) == (ImportJob.Status.DONE, 1)
    assert (customer.name, customer.version) == ("Customer 0", 2)
    assert customer.history.first().history_user == owner


def test_contacts_import_in_the_background_too(owner):
    bakery = CustomerFactory(name="Ana's Bakery")
    job = start(
        owner,
        csv_bytes(
            f"{bakery.pk},Ana Ruiz,yes", "Ana's Bakery,Tom,no", header="customer,name,is_primary"
        ),
        resource=ContactResource,
    )

    imports.run_import_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert set(Contact.objects.values_list("name", "customer")) == {
        ("Ana Ruiz", bakery.pk),
        ("Tom", bakery.pk),
    }


def test_a_job_whose_owner_lost_the_right_to_import_imports_nothing(owner, sam):
    job = start(owner, csv_bytes(*customer_rows(3)))
    owner.groups.clear()

    imports.run_import_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "may no longer import" in job.failure
    assert not Customer.objects.exists()


def test_only_people_who_may_add_the_records_can_start_a_job(staff):
    with pytest.raises(imports.PermissionDenied):
        start(staff, csv_bytes(*customer_rows(3)))

    assert not ImportJob.objects.exists()


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(owner, sam, monkeypatch):
    job = start(owner, csv_bytes(*customer_rows(3)))

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CustomerResource, "save_batch", explode)
    imports.run_import_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error" in job.failure
    assert not Customer.objects.exists()


def test_a_row_that_fails_when_saved_rolls_the_whole_file_back(owner, sam, monkeypatch):
    # given rows that pass the check, the later ones owned by kim, who leaves before they are
    # saved (after the check pass, as the save pass starts)
    kim = UserFactory(username="kim")
    job = start(owner, csv_bytes(*customer_rows(500), *customer_rows(700, owner="kim")))
    checked = imports._checked

    def check_then_kim_leaves(*args, keep, **kwargs):
        if keep is not None:
            type(kim).objects.filter(pk=kim.pk).update(is_active=False)
        return checked(*args, keep=keep, **kwargs)

    monkeypatch.setattr(imports, "_checked", check_then_kim_leaves)

    # when the job runs
    imports.run_import_job(job_id=job.pk)

    # then the first batch, saved already, is rolled back with the rest
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "changed while the file was being saved" in job.failure
    assert job.errors[0]["line"] == 502
    assert "“kim”" in job.errors[0]["errors"]["account_owner"][0]
    assert not Customer.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_visible_to_other_connections_while_the_job_checks(monkeypatch):
    owner = UserFactory(username="owner-progress", group="Owners")
    UserFactory(username="sam")
    job = start(owner, csv_bytes(*customer_rows(1200)))
    seen = []
    checked = imports._checked

    def watch(*args, **kwargs):
        # Read the job as the owner's page would: on a connection of its own.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT rows_checked FROM crm_importjob WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()
        return checked(*args, **kwargs)

    monkeypatch.setattr(imports, "_checked", watch)
    imports.run_import_job(job_id=job.pk)

    # three batches checked (0, 500, 1000 seen before each), then the save pass
    assert seen[:3] == [0, 500, 1000]
    assert Customer.objects.count() == 1200


def test_the_permission_to_import_is_adding_the_model():
    assert imports.import_permission(CustomerResource) == "customers.add_customer"
    assert Permission.objects.filter(codename="add_customer").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_job_enqueued_after_commit(tmp_path, monkeypatch):
    owner = UserFactory(username="owner-worker", group="Owners")
    UserFactory(username="sam")
    log = tmp_path / "worker.log"
    with celery_worker(log) as queue:
        # given the job's task sent to this test's queue once the upload commits
        monkeypatch.setattr(
            run_import_job,
            "delay",
            lambda job_id: run_import_job.apply_async((job_id,), queue=queue),
        )
        job = start(owner, csv_bytes(*customer_rows(30)))
        # when the worker process takes it from the broker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)
    # then every row is in the test database
    assert job.status == ImportJob.Status.DONE, log.read_text()
    assert Customer.objects.count() == 30


def test_a_job_uploaded_while_the_broker_was_down_runs_once_it_is_back(
    owner, sam, broker, eager_celery, django_capture_on_commit_callbacks, time_machine
):
    # given: the upload is kept although its task could not be sent
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, csv_bytes(*customer_rows(3)))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED

    # when: the broker is back and the catch-up runs after the grace
    broker.up()
    time_machine.move_to(job.created_at + imports.QUEUED_GRACE + timedelta(seconds=1))
    resumed = imports.resume_import_jobs()

    # then
    job.refresh_from_db()
    assert resumed == 1
    assert job.status == ImportJob.Status.DONE
    assert Customer.objects.count() == 3


def test_the_catch_up_leaves_a_fresh_upload_to_its_own_task(owner, sam, broker):
    broker.down()
    job = start(owner, csv_bytes(*customer_rows(3)))
    broker.up()

    assert imports.resume_import_jobs() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED


def test_a_job_whose_worker_died_is_failed_with_a_reason(owner, sam):
    job = start(owner, csv_bytes(*customer_rows(3)))
    started = timezone.now() - imports.RUNNING_LIMIT - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING, started_at=started)

    imports.resume_import_jobs()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "worker stopped" in job.failure
    assert bytes(job.content) == b""
