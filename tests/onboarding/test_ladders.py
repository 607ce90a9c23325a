"""The onboarding clocks on the deadline ladder: unanswered handoffs and stalls."""

import pytest

from crm import ladder
from crm.models import Notice
from onboarding import services
from onboarding.ladders import HANDOFFS_UNANSWERED, STALLED
from onboarding.models import Onboarding
from tests.crm.ladder_clocks import FRIDAY, LONG_AGO, MONDAY, PAST_DUE, REMIND_AT, at
from tests.factories import CustomerFactory, HandoffFactory, OnboardingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, weekdays_nine_to_five):
    settings.TIME_ZONE = "Europe/London"
    settings.ONBOARDING_HANDOFF_REMIND_MINUTES = 60
    settings.ONBOARDING_STALL_DAYS = 5


def sweep(clock_ladder, now=REMIND_AT):
    return ladder.sweep(now=now, ladders=[clock_ladder]).per_ladder[clock_ladder.name]


def test_an_unanswered_handoff_reminds_its_receiver_not_its_sender(staff, other_staff):
    onboarding = OnboardingFactory(owner=staff, customer=CustomerFactory(name="Acme"))
    HandoffFactory(onboarding=onboarding, to_user=other_staff, created_at=PAST_DUE)

    assert sweep(HANDOFFS_UNANSWERED) == (1, 0)

    notice = Notice.objects.get()
    assert notice.recipient == other_staff
    assert notice.subject == "1 onboarding handoff unanswered"
    assert "- Acme: offered by Sam " in notice.body
    assert notice.path == "/"


def test_the_reminder_waits_for_business_minutes_across_a_closed_night(other_staff):
    HandoffFactory(to_user=other_staff, created_at=at(FRIDAY, 16, 30))

    assert sweep(HANDOFFS_UNANSWERED, at(FRIDAY, 17, 30)) == (0, 0)
    assert sweep(HANDOFFS_UNANSWERED, at(MONDAY, 9, 29)) == (0, 0)
    assert sweep(HANDOFFS_UNANSWERED, at(MONDAY, 9, 30)) == (1, 0)


def test_answered_handoffs_and_those_of_stopped_onboardings_are_not_due(other_staff):
    HandoffFactory(to_user=other_staff, created_at=PAST_DUE, accepted_at=PAST_DUE)
    HandoffFactory(to_user=other_staff, created_at=PAST_DUE, declined_at=PAST_DUE)
    HandoffFactory(
        to_user=other_staff,
        created_at=PAST_DUE,
        onboarding=OnboardingFactory(status=Onboarding.Status.CANCELLED),
    )

    assert sweep(HANDOFFS_UNANSWERED) == (0, 0)


def test_a_stalled_onboarding_tells_its_owner_with_its_last_progress(staff):
    OnboardingFactory(
        owner=staff,
        name="Welcome: Acme",
        started_at=LONG_AGO,
        last_progress_at=LONG_AGO,
    )

    assert sweep(STALLED) == (1, 0)

    notice = Notice.objects.get(recipient=staff)
    assert notice.subject == "1 stalled onboarding"
    assert "- Welcome: Acme: no progress since Fri 20 Feb 10:00" in notice.body
    assert notice.path == "/onboarding/?stalled=true"


def test_progress_clears_the_stall_marks(staff, clock):
    onboarding = OnboardingFactory(owner=staff, started_at=LONG_AGO, last_progress_at=LONG_AGO)
    steps = [
        onboarding.steps.create(
            position=n,
            title=f"Step {n}",
            group=staff.groups.first(),
            assignee=staff,
            due_at=LONG_AGO,
        )
        for n in (1, 2)
    ]
    sweep(STALLED)
    clock.set(REMIND_AT)

    services.complete_step(actor=staff, step=steps[0])

    onboarding.refresh_from_db()
    assert onboarding.stall_notified_at is None
    assert onboarding.stall_escalated_at is None


def test_finished_onboardings_do_not_stall(staff):
    for status in (Onboarding.Status.COMPLETED, Onboarding.Status.CANCELLED):
        OnboardingFactory(
            owner=staff,
            status=status,
            started_at=LONG_AGO,
            last_progress_at=LONG_AGO,
            customer=CustomerFactory(),
        )

    assert sweep(STALLED) == (0, 0)
    assert not UserFactory._meta.model.objects.filter(notices__isnull=False).exists()
