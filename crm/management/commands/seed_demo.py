from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm import demo
from crm.calendar import default_week_line


class Command(BaseCommand):
    help = "Create demo data and one demo login per group. Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "seed_demo creates logins with a published password; "
                    "it runs only with DEBUG on."
                )
            )
        seeded = demo.seed_demo_people()
        business = demo.seed_demo_business(seeded)
        if business.default_week:
            self.stdout.write(default_week_line())
        if business.customers or business.complaints or business.onboardings:
            self.stdout.write(
                _(
                    "Created %(customers)d demo customers with their history and follow-ups, "
                    "%(complaints)d complaints and %(onboardings)d onboardings."
                )
                % {
                    "customers": business.customers,
                    "complaints": business.complaints,
                    "onboardings": business.onboardings,
                }
            )
        else:
            self.stdout.write(_("The demo data exists already; nothing more was created."))
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Sign in as:")))
        for person, user in seeded:
            password = (
                demo.DEMO_PASSWORD
                if user.check_password(demo.DEMO_PASSWORD)
                else _("(changed since it was created)")
            )
            self.stdout.write(
                f"  {person.group:<17} {person.username:<8} {_('password:')} {password}"
            )
