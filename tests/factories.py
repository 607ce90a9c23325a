from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from crm import roles

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        """Put the user in the named role group: ``UserFactory(group=roles.SUPERVISORS)``."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == roles.OWNERS:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


# The actors of the test suite: username -> (first name, role group).
ACTORS = {
    "staff": ("Sam", roles.FRONT_LINE_STAFF),
    "other_staff": ("Alex", roles.FRONT_LINE_STAFF),
    "supervisor": ("Sue", roles.SUPERVISORS),
    "owner": ("Olivia", roles.OWNERS),
}


def make_actor(username: str):
    """Return the named actor of ACTORS, created on first use."""
    first_name, group = ACTORS[username]
    return UserFactory(username=username, first_name=first_name, group=group)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    name = factory.Faker("company")
    kind = "business"
    status = "active"
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"+1 202 555 {n % 10000:04d}")
    account_owner = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Contact"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    role = "Manager"
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Interaction"

    customer = factory.SubFactory(CustomerFactory)
    staff = factory.SubFactory(UserFactory)
    channel = "phone"
    direction = "inbound"
    summary = factory.Faker("sentence", nb_words=5)
    occurred_at = factory.LazyFunction(timezone.now)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.FollowUp"

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SubFactory(UserFactory)
    kind = "callback"
    subject = factory.Faker("sentence", nb_words=4)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Category"

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A new complaint, not yet acknowledged, whose SLA deadlines all lie ahead."""

    class Meta:
        model = "complaints.Complaint"

    # Not "C-…": log_complaint numbers complaints "C-<pk>", and a test that logs one after making
    # some here must not collide with them.
    reference = factory.Sequence(lambda n: f"T-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    logged_by = factory.SubFactory(UserFactory)
    owner = factory.SelfAttribute("logged_by")
    channel = "phone"
    customer_words = factory.Faker("sentence", nb_words=10)
    severity = "normal"
    received_at = factory.LazyFunction(timezone.now)
    first_response_due = factory.LazyAttribute(lambda c: c.received_at + timedelta(hours=1))
    next_update_due = factory.LazyAttribute(lambda c: c.received_at + timedelta(hours=8))
    resolution_due = factory.LazyAttribute(lambda c: c.received_at + timedelta(days=5))


class RemedyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Remedy"

    complaint = factory.SubFactory(ComplaintFactory)
    kind = "refund"
    amount = Decimal("20")
    proposed_by = factory.SubFactory(UserFactory)


class ComplaintHandoffFactory(factory.django.DjangoModelFactory):
    """A complaint offered to someone, waiting for an answer."""

    class Meta:
        model = "complaints.ComplaintHandoff"

    complaint = factory.SubFactory(ComplaintFactory)
    from_user = factory.SelfAttribute("complaint.owner")
    to_user = factory.SubFactory(UserFactory)
    note = "Promised a refund decision by Friday."


class ComplaintUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.ComplaintUpdate"

    complaint = factory.SubFactory(ComplaintFactory)
    kind = "note"
    author = factory.SubFactory(UserFactory)
    text = factory.Faker("sentence", nb_words=8)


def _team(name: str = "Sales") -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    return group


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.ChecklistTemplate"

    name = factory.Sequence(lambda n: f"Checklist {n}")


class TemplateStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.TemplateStep"

    template = factory.SubFactory(ChecklistTemplateFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    group = factory.LazyFunction(_team)
    due_after_days = 1


class OnboardingFactory(factory.django.DjangoModelFactory):
    """A running onboarding without steps; add them with OnboardingStepFactory."""

    class Meta:
        model = "onboarding.Onboarding"

    customer = factory.SubFactory(CustomerFactory, status="onboarding")
    name = factory.LazyAttribute(lambda onboarding: f"Welcome: {onboarding.customer.name}")
    owner = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
    last_progress_at = factory.SelfAttribute("started_at")
    target_at = factory.LazyAttribute(
        lambda onboarding: onboarding.started_at + timedelta(days=30)
    )


class OnboardingStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.OnboardingStep"

    onboarding = factory.SubFactory(OnboardingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    group = factory.LazyFunction(_team)
    assignee = factory.SelfAttribute("onboarding.owner")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class HandoffFactory(factory.django.DjangoModelFactory):
    """A handoff waiting for an answer, at a handoff step of its onboarding."""

    class Meta:
        model = "onboarding.Handoff"

    onboarding = factory.SubFactory(OnboardingFactory)
    step = factory.SubFactory(
        OnboardingStepFactory,
        onboarding=factory.SelfAttribute("..onboarding"),
        is_handoff_point=True,
    )
    from_user = factory.SelfAttribute("onboarding.owner")
    to_user = factory.SubFactory(UserFactory)
    note = "Promised a call in the first week; they expect their first delivery on Tuesday."
