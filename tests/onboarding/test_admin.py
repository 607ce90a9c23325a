"""The owners' admin for onboarding: templates with their steps inline and checked together,
read-mostly onboardings and handoffs, lists without N+1, and who gets in."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from onboarding.models import ChecklistTemplate, Handoff, Onboarding, TemplateStep
from tests.factories import (
    ChecklistTemplateFactory,
    CustomerFactory,
    HandoffFactory,
    OnboardingFactory,
    OnboardingStepFactory,
    TemplateStepFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 120
TEMPLATES_URL = "/admin/onboarding/checklisttemplate/"
ONBOARDINGS_URL = "/admin/onboarding/onboarding/"
HANDOFFS_URL = "/admin/onboarding/handoff/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def sales():
    return Group.objects.get(name="Sales")


@pytest.fixture
def support():
    return Group.objects.get(name="Support")


def step_row(position, title, group, due_after_days=1, **flags) -> dict:
    return {
        "position": position,
        "title": title,
        "group": group.pk,
        "due_after_days": due_after_days,
        "is_required": "on",
        "instructions": "",
        **{flag: "on" for flag, value in flags.items() if value},
    }


def template_form_data(name: str, steps: list[dict], *, initial: int = 0, **fields) -> dict:
    """What the template's add or change form posts: its fields and its steps inline."""
    data = {
        "name": name,
        "description": "",
        "is_active": "on",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, step in enumerate(steps):
        data |= {f"steps-{index}-{key}": value for key, value in step.items()}
    return data


def inline_errors(response) -> list[str]:
    formset = response.context["inline_admin_formsets"][0].formset
    return [str(error) for error in formset.non_form_errors()]


def onboarding_change_data(onboarding: Onboarding, **changes) -> dict:
    local = timezone.localtime(onboarding.target_at)
    data = {
        "name": onboarding.name,
        "target_at_0": f"{local:%Y-%m-%d}",
        "target_at_1": f"{local:%H:%M:%S}",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "handoffs-TOTAL_FORMS": "0",
        "handoffs-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


# --- Templates -----------------------------------------------------------------------------------


def test_an_owner_creates_a_template_with_its_steps_inline(owner_client, sales, support):
    response = owner_client.post(
        f"{TEMPLATES_URL}add/",
        template_form_data(
            "Wholesale account",
            [
                step_row(2, "Handoff to support", sales, 5, is_handoff_point=True),
                step_row(1, "Welcome call", sales, 1, captures_preferences=True),
                step_row(3, "First month check-in", support, 20),
            ],
        ),
    )

    assert response.status_code == 302
    template = ChecklistTemplate.objects.get(name="Wholesale account")
    steps = template.steps.order_by("position")
    assert [(s.position, s.title, s.group.name, s.due_after_days) for s in steps] == [
        (1, "Welcome call", "Sales", 1),
        (2, "Handoff to support", "Sales", 5),
        (3, "First month check-in", "Support", 20),
    ]
    assert steps[0].captures_preferences
    assert steps[1].is_handoff_point


def test_a_template_without_steps_is_refused_with_a_message(owner_client):
    response = owner_client.post(f"{TEMPLATES_URL}add/", template_form_data("Empty", []))

    assert response.status_code == 200
    assert inline_errors(response) == ["A template needs at least one step."]
    assert "A template needs at least one step." in response.content.decode()
    assert not ChecklistTemplate.objects.filter(name="Empty").exists()


def test_deleting_every_step_of_a_template_is_refused(owner_client, sales):
    template = ChecklistTemplateFactory(name="Short")
    step = TemplateStepFactory(template=template, position=1, group=sales)
    row = step_row(1, step.title, sales) | {"id": step.pk, "template": template.pk, "DELETE": "on"}

    response = owner_client.post(
        f"{TEMPLATES_URL}{template.pk}/change/", template_form_data("Short", [row], initial=1)
    )

    assert response.status_code == 200
    assert inline_errors(response) == ["A template needs at least one step."]
    assert TemplateStep.objects.filter(pk=step.pk).exists()


def test_a_negative_due_after_is_refused_with_a_clear_message(owner_client, sales):
    response = owner_client.post(
        f"{TEMPLATES_URL}add/",
        template_form_data("Backwards", [step_row(1, "Welcome call", sales, due_after_days=-1)]),
    )

    assert response.status_code == 200
    step_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert step_form.errors["due_after_days"] == [
        "“Due after” cannot be negative: count business days from the start of the "
        "onboarding, 0 for the day it starts."
    ]
    assert "cannot be negative" in response.content.decode()
    assert not ChecklistTemplate.objects.filter(name="Backwards").exists()


def test_a_due_after_beyond_the_limit_is_refused_naming_the_limit(owner_client, sales):
    response = owner_client.post(
        f"{TEMPLATES_URL}add/",
        template_form_data("Too slow", [step_row(1, "Welcome call", sales, due_after_days=400)]),
    )

    assert response.status_code == 200
    step_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert step_form.errors["due_after_days"] == ["“Due after” can be at most 365 business days."]


def test_two_steps_in_the_same_position_are_refused(owner_client, sales):
    response = owner_client.post(
        f"{TEMPLATES_URL}add/",
        template_form_data(
            "Crowded",
            [
                step_row(1, "Welcome call", sales),
                step_row(2, "Kickoff", sales),
                step_row(2, "First delivery check", sales),
            ],
        ),
    )

    assert response.status_code == 200
    assert inline_errors(response) == ["Two steps share the position 2: give each step its own."]
    assert not ChecklistTemplate.objects.filter(name="Crowded").exists()


def test_a_step_moved_onto_a_deleted_steps_position_is_accepted(owner_client, sales):
    # given a template of two steps
    template = ChecklistTemplateFactory(name="Two steps")
    first = TemplateStepFactory(template=template, position=1, title="Call", group=sales)
    second = TemplateStepFactory(template=template, position=2, title="Visit", group=sales)

    # when the owner deletes the first and moves the second into its place
    response = owner_client.post(
        f"{TEMPLATES_URL}{template.pk}/change/",
        template_form_data(
            "Two steps",
            [
                step_row(1, "Call", sales) | {"id": first.pk, "DELETE": "on"},
                step_row(1, "Visit", sales) | {"id": second.pk},
            ],
            initial=2,
        ),
    )

    # then
    assert response.status_code == 302
    assert list(template.steps.values_list("position", "title")) == [(1, "Visit")]


def test_a_handoff_point_as_the_last_step_is_refused(owner_client, sales):
    response = owner_client.post(
        f"{TEMPLATES_URL}add/",
        template_form_data(
            "Nobody takes over",
            [
                step_row(1, "Welcome call", sales),
                step_row(2, "Hand over", sales, is_handoff_point=True),
            ],
        ),
    )

    assert response.status_code == 200
    assert inline_errors(response) == [
        "The last step cannot be a handoff point: no step follows it, so no team would take "
        "the work over."
    ]


def test_the_template_list_counts_each_templates_steps_in_a_constant_number_of_queries(
    owner_client, sales, django_assert_max_num_queries
):
    for number in range(ROWS):
        template = ChecklistTemplateFactory(name=f"Checklist T{number:03d}")
        for position in range(1, number % 4 + 1):
            TemplateStepFactory(template=template, position=position, group=sales)

    with django_assert_max_num_queries(10):
        response = owner_client.get(TEMPLATES_URL, {"q": "T00"})
    everything = owner_client.get(TEMPLATES_URL)

    counts = {row.name: row.step_total for row in response.context["cl"].result_list}
    assert counts == {f"Checklist T00{n}": n % 4 for n in range(10)}
    assert everything.context["cl"].result_count == ROWS + 1  # and the seeded "New customer"


def test_a_template_page_with_many_steps_runs_a_constant_number_of_queries(
    owner_client, sales, django_assert_max_num_queries
):
    template = ChecklistTemplateFactory()
    for position in range(1, 31):
        TemplateStepFactory(template=template, position=position, group=sales)

    with django_assert_max_num_queries(15):
        response = owner_client.get(f"{TEMPLATES_URL}{template.pk}/change/")

    assert response.status_code == 200
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.instance.position for form in forms if form.instance.pk] == list(range(1, 31))


# --- Onboardings ---------------------------------------------------------------------------------


def test_the_onboarding_list_of_many_rows_runs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    OnboardingFactory.create_batch(ROWS)

    with django_assert_max_num_queries(10):
        response = owner_client.get(ONBOARDINGS_URL)

    assert response.status_code == 200
    assert response.context["cl"].result_count == ROWS


def test_the_onboarding_list_filters_by_status_and_finds_a_customer_without_accents(
    owner_client,
):
    zoe = OnboardingFactory(customer=CustomerFactory(name="Zoë Müller"))
    done = OnboardingFactory(status=Onboarding.Status.COMPLETED)
    OnboardingFactory(customer=CustomerFactory(name="Harbour Café"))

    def found(**params):
        return set(owner_client.get(ONBOARDINGS_URL, params).context["cl"].result_list)

    assert found(q="zoe muller") == {zoe}
    assert found(status__exact="completed") == {done}


def test_an_onboarding_page_shows_its_steps_and_handoffs_read_only_in_constant_queries(
    owner_client, django_assert_max_num_queries
):
    # given an onboarding of thirty steps, with a declined and a waiting handoff
    onboarding = OnboardingFactory()
    for position in range(1, 31):
        OnboardingStepFactory(
            onboarding=onboarding,
            position=position,
            title=f"Step number {position}",
            assignee=UserFactory(),
            done_by=UserFactory() if position < 10 else None,
        )
    HandoffFactory(onboarding=onboarding, declined_at=timezone.now(), decline_reason="Away")
    HandoffFactory(onboarding=onboarding, note="They expect a call on Monday.")

    # when
    with django_assert_max_num_queries(12):
        response = owner_client.get(f"{ONBOARDINGS_URL}{onboarding.pk}/change/")

    # then every step shows, in order, and nothing can be typed into them
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Step number 1<") < body.index("Step number 30<")
    assert "They expect a call on Monday." in body
    steps, handoffs = response.context["inline_admin_formsets"]
    assert len(list(steps)) == 32  # the thirty, and one at each handoff
    assert len(list(handoffs)) == 2
    for inline in (steps, handoffs):
        assert not inline.has_add_permission
        assert not inline.has_change_permission


def test_an_owner_corrects_an_onboardings_name_and_target_but_not_where_it_stands(
    owner_client, owner
):
    onboarding = OnboardingFactory(name="Welcome")
    new_target = onboarding.target_at + timedelta(days=7)
    local = timezone.localtime(new_target)

    response = owner_client.post(
        f"{ONBOARDINGS_URL}{onboarding.pk}/change/",
        onboarding_change_data(
            onboarding,
            name="Welcome: wholesale",
            target_at_0=f"{local:%Y-%m-%d}",
            target_at_1=f"{local:%H:%M:%S}",
            status=Onboarding.Status.COMPLETED,
            owner=owner.pk,
        ),
    )

    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.name == "Welcome: wholesale"
    assert onboarding.target_at == new_target.replace(microsecond=0)
    assert onboarding.status == Onboarding.Status.ACTIVE
    assert onboarding.owner != owner
    assert onboarding.history.latest().history_user == owner


def test_a_correction_keeps_progress_the_services_made_meanwhile(owner_client, monkeypatch):
    # given the admin working on a copy read before a step was completed
    onboarding = OnboardingFactory()
    read_before = Onboarding.objects.get(pk=onboarding.pk)
    progressed = timezone.now() + timedelta(minutes=5)
    Onboarding.objects.filter(pk=onboarding.pk).update(last_progress_at=progressed)
    from onboarding.admin import OnboardingAdmin

    monkeypatch.setattr(OnboardingAdmin, "get_object", lambda *args, **kwargs: read_before)

    # when
    response = owner_client.post(
        f"{ONBOARDINGS_URL}{onboarding.pk}/change/",
        onboarding_change_data(onboarding, name="Renamed"),
    )

    # then
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert (onboarding.name, onboarding.last_progress_at) == ("Renamed", progressed)


def test_the_admin_offers_no_way_to_start_an_onboarding_past_the_service(owner_client):
    assert owner_client.get(f"{ONBOARDINGS_URL}add/").status_code == 403


# --- Handoffs ------------------------------------------------------------------------------------


def test_the_handoff_list_of_many_rows_filters_by_answer_in_constant_queries(
    owner_client, django_assert_max_num_queries
):
    pending = HandoffFactory.create_batch(ROWS)
    accepted = HandoffFactory(accepted_at=timezone.now())
    declined = HandoffFactory(declined_at=timezone.now(), decline_reason="On leave")

    with django_assert_max_num_queries(12):
        everything = owner_client.get(HANDOFFS_URL)

    def answered(answer):
        return owner_client.get(HANDOFFS_URL, {"answer": answer}).context["cl"]

    assert everything.context["cl"].result_count == ROWS + 2
    assert list(answered("accepted").result_list) == [accepted]
    assert list(answered("declined").result_list) == [declined]
    assert answered("pending").result_count == ROWS
    assert set(answered("pending").result_list) <= set(pending)


def test_the_handoff_search_finds_the_customer_without_accents(owner_client):
    zoe = HandoffFactory(onboarding__customer=CustomerFactory(name="Zoë Müller"))
    HandoffFactory()

    response = owner_client.get(HANDOFFS_URL, {"q": "ZOE"})

    assert list(response.context["cl"].result_list) == [zoe]


def test_a_handoff_cannot_be_answered_or_made_in_the_admin(owner_client):
    handoff = HandoffFactory()

    response = owner_client.post(
        f"{HANDOFFS_URL}{handoff.pk}/change/", {"accepted_at_0": "2026-01-01"}
    )

    assert response.status_code == 403
    assert owner_client.get(f"{HANDOFFS_URL}add/").status_code == 403
    assert Handoff.objects.get(pk=handoff.pk).is_pending


# --- Who gets in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["staff", "supervisor"])
def test_people_other_than_owners_are_sent_away_from_the_onboarding_admin(client, actor, request):
    client.force_login(request.getfixturevalue(actor))
    handoff = HandoffFactory()
    template = ChecklistTemplate.objects.get(name="New customer")

    for url in (
        TEMPLATES_URL,
        f"{TEMPLATES_URL}{template.pk}/change/",
        ONBOARDINGS_URL,
        f"{ONBOARDINGS_URL}{handoff.onboarding_id}/change/",
        HANDOFFS_URL,
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
