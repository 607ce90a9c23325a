import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
