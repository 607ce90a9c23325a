from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm import demo


class Command(BaseCommand):
    help = "Create demo data and one demo login per group. Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates logins with a published password; it runs only with DEBUG on."
            )
        seeded = demo.seed_demo_people()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in as:"))
        for person, user in seeded:
            password = (
                demo.DEMO_PASSWORD
                if user.check_password(demo.DEMO_PASSWORD)
                else "(changed since it was created)"
            )
            self.stdout.write(f"  {person.group:<17} {person.username:<8} password: {password}")
