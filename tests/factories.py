from datetime import timedelta

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
