"""The load of ``manage.py bench_load``: people at work in Tend, for Locust.

Front-line staff (four in five) move between My day, their lists, customers and complaints,
search, and write: they log contacts, book call-backs and log complaints. Supervisors read the
approval queue, the lists and complaints. Everyone thinks for 0.5 to 1.5 s between requests.

``bench_load`` writes the people's signed-in sessions and the records to open into the JSON
file named by ``TEND_BENCH_PLAN``; each simulated person takes the next session in turn.
"""

import itertools
import json
import os
import random
import re
from datetime import datetime, timedelta

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["TEND_BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_session = {role: itertools.cycle(sessions) for role, sessions in PLAN["sessions"].items()}


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self):
        session = next(_next_session[self.role])
        self.person = session["user"]
        self.client.cookies.set(PLAN["session_cookie"], session["key"])

    def open(self, path: str, name: str, **params):
        self.client.get(path, name=name, params=params or None)

    def post_form(self, form_path: str, data: dict, name: str):
        """Open the form (as a person does), then send it; a redirect means it was saved."""
        page = self.client.get(form_path, name=f"{name} (form)")
        found = CSRF_FIELD.search(page.text)
        if not found:
            return
        data = {"csrfmiddlewaretoken": found.group(1), **data}
        with self.client.post(
            form_path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + form_path},
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved: {response.status_code}")

    def any_customer(self) -> int:
        return random.choice(PLAN["customers"])  # noqa: S311


class FrontLineStaff(Person):
    role = "staff"
    weight = 4

    @task(5)
    def my_day(self):
        self.open("/", "My day")

    @task(3)
    def customers(self):
        self.open("/customers/", "customers")

    @task(3)
    def search(self):
        self.open("/search/", "search by name", q=random.choice(PLAN["names"]))  # noqa: S311

    @task(1)
    def search_phone(self):
        self.open("/search/", "search by phone", q=random.choice(PLAN["phones"]))  # noqa: S311

    @task(4)
    def customer(self):
        self.open(f"/customers/{self.any_customer()}/", "customer")

    @task(2)
    def follow_ups(self):
        self.open("/followups/", "follow-ups")

    @task(2)
    def complaints(self):
        self.open("/complaints/", "complaints")

    @task(2)
    def complaint(self):
        self.open(f"/complaints/{random.choice(PLAN['complaints'])}/", "complaint")  # noqa: S311

    @task(1)
    def log_contact(self):
        self.post_form(
            f"/customers/{self.any_customer()}/log/",
            {"channel": "phone", "direction": "inbound", "summary": "Asked about an order"},
            "log a contact",
        )

    @task(1)
    def book_call_back(self):
        # Two days on, whatever the business's time zone: the form wants a future time.
        due = datetime.now() + timedelta(days=2)  # noqa: DTZ005
        self.post_form(
            f"/customers/{self.any_customer()}/followups/new/",
            {
                "kind": "callback",
                "subject": "Call back about the order",
                "due_at": f"{due:%Y-%m-%dT%H:%M}",
                "owner": self.person,
                "channel": "phone",
            },
            "book a call-back",
        )

    @task(1)
    def log_complaint(self):
        customer = self.any_customer()
        self.post_form(
            "/complaints/new/",
            {
                "customer": customer,
                "customer_query": f"#{customer}",
                "channel": "phone",
                "customer_words": "The delivery came a day late and the box was damaged.",
                "severity": "normal",
            },
            "log a complaint",
        )


class Supervisor(Person):
    role = "supervisor"
    weight = 1

    @task(3)
    def my_day(self):
        self.open("/", "My day")

    @task(3)
    def approvals(self):
        self.open("/complaints/approvals/", "approvals")

    @task(2)
    def complaints(self):
        self.open("/complaints/", "complaints")

    @task(3)
    def complaint(self):
        self.open(f"/complaints/{random.choice(PLAN['complaints'])}/", "complaint")  # noqa: S311

    @task(1)
    def onboardings(self):
        self.open("/onboarding/", "onboardings")
