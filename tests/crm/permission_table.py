"""Who may do what: one row per URL name of Tend's own apps, read by test_permission_matrix.py.

A row is a tuple of cases. A case names the objects of the world (tests/world.py) that fill the
URL, says what each actor gets from GET and from POST, and gives a POST body that would be
accepted from someone allowed (so "allowed" is tested by the action really happening and
"forbidden" by nothing changing). Most rows have one case; an action whose answer depends on the
state of its object (a closed complaint, a cancelled onboarding) has one case per state.

Adding an endpoint: add its row here (the matrix test fails, naming it, until you do). If it acts
on an object in a state the world lacks, add that object to tests/world.py.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from django.utils import timezone

from complaints.customer_links import survey_token
from crm.models import Notice
from tests.crm.routes import ACTORS, SIGNED_IN
from tests.factories import TEST_PASSWORD
from tests.world import PROMISE, World


class Outcome(Enum):
    # GET: 200. POST: a 2xx or a redirect (not to sign in) and, unless the case says
    # changes=False, Tend's data changed: the action happened.
    ALLOWED = "allowed"
    # 403, and a POST changed nothing.
    FORBIDDEN = "forbidden (403)"
    # Any answer below 500 except a sign-in redirect, and nothing changed: the refusal is shown
    # as a message or a form error, or a page ignores a POST.
    REFUSED = "refused, nothing changed"
    LOGIN = "redirect to sign in"
    REDIRECT = "redirect elsewhere than sign in"
    NOT_FOUND = "404"
    NOT_ALLOWED = "405"


ALLOWED = Outcome.ALLOWED
FORBIDDEN = Outcome.FORBIDDEN
REFUSED = Outcome.REFUSED
LOGIN = Outcome.LOGIN
REDIRECT = Outcome.REDIRECT
NOT_FOUND = Outcome.NOT_FOUND
NOT_ALLOWED = Outcome.NOT_ALLOWED


def signed_in(outcome: Outcome, anonymous: Outcome = LOGIN, **exceptions) -> dict:
    """Every signed-in actor gets ``outcome`` unless named; the anonymous visitor ``anonymous``."""
    unknown = set(exceptions) - set(SIGNED_IN)
    assert not unknown, f"unknown actors {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, outcome), **exceptions}


# Work of one person ("staff"): they, supervisors and owners may act; another staff member not.
MANAGERS_ONLY = signed_in(ALLOWED, other_staff=FORBIDDEN)
# Addressed to "other_staff" (a handoff): only they may answer.
RECEIVER_ONLY = signed_in(FORBIDDEN, other_staff=ALLOWED)
PAGE = signed_in(ALLOWED)
POST_ONLY = signed_in(NOT_ALLOWED)
IGNORES_POST = signed_in(REFUSED)


@dataclass(frozen=True)
class Case:
    about: str
    get: Mapping[str, Outcome]
    post: Mapping[str, Outcome]
    kwargs: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] = lambda world: {}
    query: Mapping[str, str] = field(default_factory=dict)
    # An allowed POST changes Tend's data (False: signing in and out, which change sessions).
    changes: bool = True

    def __post_init__(self):
        for outcomes in (self.get, self.post):
            assert set(outcomes) == set(ACTORS), f"{self.about}: give every actor an outcome"


def page(about="the page", **kwargs) -> tuple[Case, ...]:
    """A read-only page every signed-in person may see; a POST to it changes nothing."""
    return (Case(about, get=PAGE, post=IGNORES_POST, **kwargs),)


def later(days: int = 2) -> str:
    """A time in the future as a datetime-local field sends it."""
    return f"{timezone.localtime(timezone.now() + timedelta(days=days)):%Y-%m-%dT%H:%M}"


def of(attribute: str, key: str = "pk") -> Callable[[World], dict]:
    return lambda world: {key: getattr(world, attribute).pk}


# --- Complaint actions: one case where the action is legal, one on a closed complaint ----------

# action: (complaint where it is legal, accepted body without the action's prefix)
COMPLAINT_ACTIONS: dict[str, tuple[str, Callable[[World], dict]]] = {
    "acknowledge": ("complaint_new", lambda w: {"note": "Called them back."}),
    "investigate": ("complaint_acknowledged", lambda w: {}),
    "wait": ("complaint_acknowledged", lambda w: {"reason": "Waiting for photos."}),
    "customer_update": (
        "complaint_new",
        lambda w: {"channel": "phone", "text": "Told them a refund is coming."},
    ),
    "promise": ("complaint_new", lambda w: {"promised_by": later(), "reason": ""}),
    "note": ("complaint_new", lambda w: {"text": "The courier confirms the damage."}),
    "remedy": (
        "complaint_acknowledged",
        lambda w: {"kind": "apology", "amount": "", "description": "A written apology."},
    ),
    "resolve": ("complaint_acknowledged", lambda w: {"note": "Explained.", "no_remedy": "on"}),
    "check_in": (
        "complaint_resolved",
        lambda w: {
            "satisfied": "yes",
            "rating": "5",
            "note": "Happy now.",
            "root_cause": w.root_cause.pk,
            "corrective_note": "Sturdier boxes.",
        },
    ),
    "close": (
        "complaint_resolved",
        lambda w: {"root_cause": w.root_cause.pk, "corrective_note": "Sturdier boxes."},
    ),
    "reopen": ("complaint_closed", lambda w: {"reason": "It broke again."}),
    "handoff": ("complaint_new", lambda w: {"to_user": w.other_staff.pk, "note": PROMISE}),
}
# Any complaint, closed too, takes a note from anyone who works complaints.
OPEN_TO_EVERYONE = {"note"}


def _prefixed(action: str, body: Callable[[World], dict]) -> Callable[[World], dict]:
    return lambda world: {f"{action}-{name}": value for name, value in body(world).items()}


def _action_kwargs(attribute: str, action: str) -> Callable[[World], dict]:
    return lambda world: {"pk": getattr(world, attribute).pk, "action": action}


def complaint_action_cases() -> tuple[Case, ...]:
    cases = []
    for action, (attribute, body) in COMPLAINT_ACTIONS.items():
        data = _prefixed(action, body)
        allowed = PAGE if action in OPEN_TO_EVERYONE else MANAGERS_ONLY
        cases.append(
            Case(
                f"{action} on {attribute}",
                get=POST_ONLY,
                post=allowed,
                kwargs=_action_kwargs(attribute, action),
                data=data,
            )
        )
        if attribute != "complaint_closed" and action not in OPEN_TO_EVERYONE:
            cases.append(
                Case(
                    f"{action} on complaint_closed",
                    get=POST_ONLY,
                    post=signed_in(REFUSED, other_staff=FORBIDDEN),
                    kwargs=_action_kwargs("complaint_closed", action),
                    data=data,
                )
            )
    cases.append(
        Case(
            "an action that does not exist",
            get=POST_ONLY,
            post=signed_in(NOT_FOUND),
            kwargs=_action_kwargs("complaint_new", "nonsense"),
        )
    )
    return tuple(cases)


def _decision(world: World) -> dict:
    prefix = f"decide-{world.remedy_awaiting.pk}"
    return {f"{prefix}-approve": "yes", f"{prefix}-note": "Fair, given the wedding."}


def _customer_record(world: World) -> dict:
    customer = world.customer
    return {
        "name": customer.name,
        "kind": customer.kind,
        "status": customer.status,
        "account_owner": world.staff.pk,
        "phone": customer.phone,
        "email": customer.email,
        "preferred_channel": "email",
        "keep_in_touch_days": "30",
        "version": customer.version,
    }


def _preferences(world: World) -> dict:
    prefix = f"step-{world.preferences_step.pk}"
    return {
        f"{prefix}-note": "Welcome call done.",
        f"{prefix}-preferred_channel": "email",
        f"{prefix}-contact_days": ["0", "2"],
        f"{prefix}-contact_from": "09:00",
        f"{prefix}-contact_until": "12:00",
        f"{prefix}-interests": "sourdough",
    }


TABLE: dict[str, tuple[Case, ...]] = {
    # --- Signing in and out, health ---
    "login": (
        Case(
            "the sign-in form",
            get=signed_in(REDIRECT, anonymous=ALLOWED),
            # Signed in, the visitor is sent on to My day.
            post=signed_in(REDIRECT, anonymous=REDIRECT),
            data=lambda w: {"username": "staff", "password": TEST_PASSWORD},
            changes=False,
        ),
    ),
    "logout": (
        Case(
            "signing out",
            get=signed_in(NOT_ALLOWED),
            post=signed_in(ALLOWED),
            changes=False,
        ),
    ),
    "healthz": (
        Case(
            "the load balancer's check",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        ),
    ),
    "password_reset": (
        Case(
            "asking for a reset link",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(ALLOWED, anonymous=ALLOWED),
            data=lambda w: {"email": "staff@example.com"},
        ),
    ),
    "password_reset_done": (
        Case(
            "the link is on its way",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        ),
    ),
    "password_reset_confirm": (
        Case(
            "a link that is not valid",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(REFUSED, anonymous=REFUSED),
            kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"},
            data=lambda w: {"new_password1": "a-new-Pa55word", "new_password2": "a-new-Pa55word"},
        ),
    ),
    "password_reset_complete": (
        Case(
            "the password was changed",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        ),
    ),
    # --- crm ---
    "crm:my_day": page(),
    "crm:search": page("a search without a match", query={"q": "no such customer"}),
    "crm:reports": page(),
    "crm:notices": page(),
    "crm:notice_open": (
        Case(
            "opening staff's notice",
            # Marked read and sent on to its link; anyone else's notice is not theirs to see.
            get=signed_in(NOT_FOUND, staff=REDIRECT),
            post=signed_in(NOT_FOUND, staff=ALLOWED),
            kwargs=of("notice"),
        ),
    ),
    "crm:notices_mark_all_read": (
        Case(
            "marking every notice read",
            get=POST_ONLY,
            post=signed_in(ALLOWED),
            data=lambda w: {"up_to": Notice.objects.latest("pk").pk},
        ),
    ),
    # --- customers ---
    "customers:list": page(),
    "customers:create": (
        Case(
            "a new customer",
            get=PAGE,
            post=signed_in(ALLOWED),
            data=lambda w: {
                "name": "Hazel Hardware",
                "kind": "business",
                "status": "prospect",
                "preferred_channel": "phone",
                "keep_in_touch_days": "30",
                "confirmed_new": "1",
            },
        ),
    ),
    "customers:mail": (
        Case(
            "an email a customer sent",
            get=PAGE,
            post=IGNORES_POST,
            kwargs=of("inbound_message"),
        ),
    ),
    "customers:mail_attachment": (
        Case(
            "a file that came with it",
            get=PAGE,
            post=IGNORES_POST,
            kwargs=of("inbound_attachment"),
        ),
    ),
    # The mail provider's webhook: off (404) while MAILGUN_WEBHOOK_SIGNING_KEY is unset, as
    # under tests; with a key, tests/complaints/test_replies.py checks its signatures.
    "mailgun_inbound": (
        Case(
            "the inbound webhook, not configured",
            get=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
            post=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
        ),
    ),
    "mailgun_inbound_mime": (
        Case(
            "the raw MIME inbound webhook, not configured",
            get=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
            post=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
        ),
    ),
    # The customer's check-in survey: the signed link is the credential, whoever follows it.
    "survey:answer": (
        Case(
            "the survey of a resolved complaint",
            get=signed_in(ALLOWED, anonymous=ALLOWED),
            post=signed_in(ALLOWED, anonymous=ALLOWED),
            kwargs=lambda w: {
                "token": survey_token(w.complaint_resolved.pk, w.complaint_resolved.resolved_at)
            },
            data=lambda w: {"satisfied": "no", "rating": "2"},
        ),
        Case(
            "a tampered link",
            get=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
            post=signed_in(NOT_FOUND, anonymous=NOT_FOUND),
            kwargs=lambda w: {"token": "not-a-token"},
            data=lambda w: {"satisfied": "no", "rating": "2"},
        ),
    ),
    "customers:detail": (
        *page(kwargs=of("customer")),
        Case(
            "a customer saved with only a name",
            get=PAGE,
            post=IGNORES_POST,
            kwargs=of("bare_customer"),
        ),
    ),
    "customers:edit": (
        Case(
            "editing a customer",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=of("customer"),
            data=_customer_record,
        ),
    ),
    "customers:archive": (
        Case(
            "archiving a customer with nothing open",
            get=signed_in(ALLOWED, staff=FORBIDDEN, other_staff=FORBIDDEN),
            post=signed_in(ALLOWED, staff=FORBIDDEN, other_staff=FORBIDDEN),
            kwargs=of("bare_customer"),
            data=lambda w: {"reason": "Entered twice"},
        ),
    ),
    "customers:restore": (
        Case(
            "restoring an archived customer",
            get=signed_in(NOT_ALLOWED, staff=FORBIDDEN, other_staff=FORBIDDEN),
            post=signed_in(ALLOWED, staff=FORBIDDEN, other_staff=FORBIDDEN),
            kwargs=of("archived_customer"),
        ),
    ),
    "customers:log": (
        Case(
            "logging a call",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=of("customer"),
            data=lambda w: {
                "channel": "phone",
                "direction": "inbound",
                "summary": "Asked about Friday.",
                "contact": w.contact.pk,
            },
        ),
    ),
    "customers:contact_create": (
        Case(
            "adding a person",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=of("customer"),
            data=lambda w: {"name": "Ivy Bramble", "role": "Baker"},
        ),
    ),
    "customers:contact_edit": (
        Case(
            "editing a person",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=lambda w: {"pk": w.customer.pk, "contact_pk": w.contact.pk},
            data=lambda w: {"name": "Rosa Bramble", "role": "Owner"},
        ),
    ),
    "customers:contact_remove": (
        Case(
            "removing a person named nowhere",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=lambda w: {"pk": w.customer.pk, "contact_pk": w.spare_contact.pk},
        ),
        Case(
            "removing a person named in the contact log",
            get=PAGE,
            post=signed_in(REFUSED),
            kwargs=lambda w: {"pk": w.customer.pk, "contact_pk": w.contact.pk},
        ),
    ),
    "customers:follow_up_create": (
        Case(
            "a new follow-up",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=of("customer"),
            data=lambda w: {
                "kind": "promise",
                "subject": "Send the new price list",
                "due_at": later(),
                "owner": w.staff.pk,
                "channel": "email",
            },
        ),
    ),
    # --- follow-ups (staff's callback) ---
    "followups:list": page(),
    "followups:detail": page(kwargs=of("follow_up")),
    "followups:complete": (
        Case(
            "completing staff's callback",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("follow_up"),
            data=lambda w: {"outcome": "Called; it arrives Friday.", "log_channel": "phone"},
        ),
    ),
    "followups:outcome": (
        Case(
            "a one-tap outcome on staff's callback",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("follow_up"),
            # An attempt: logged as a contact, the callback stays open.
            data=lambda w: {"outcome": "no_answer"},
        ),
    ),
    "followups:reopen": (
        Case(
            "undoing staff's callback, which is still open",
            get=POST_ONLY,
            post=signed_in(REFUSED, other_staff=FORBIDDEN),
            kwargs=of("follow_up"),
        ),
    ),
    "followups:reschedule": (
        Case(
            "moving staff's callback",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("follow_up"),
            data=lambda w: {"due_at": later(), "reason": "They asked.", "customer_told": "yes"},
        ),
    ),
    "followups:reassign": (
        Case(
            "passing staff's callback on",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("follow_up"),
            data=lambda w: {"owner": w.supervisor.pk},
        ),
    ),
    # --- complaints (staff's) ---
    "complaints:list": page(),
    "complaints:create": (
        Case(
            "logging a complaint",
            get=PAGE,
            post=signed_in(ALLOWED),
            data=lambda w: {
                "customer": w.customer.pk,
                "channel": "phone",
                "customer_words": "The icing melted.",
                "severity": "normal",
            },
        ),
    ),
    "complaints:approvals": page(),
    "complaints:remedies": page(),
    "complaints:detail": page(kwargs=of("complaint_awaiting")),
    "complaints:action": complaint_action_cases(),
    "complaints:remedy_decide": (
        Case(
            "deciding staff's refund above their authority",
            get=POST_ONLY,
            # Nobody approves their own proposal; another front-line person lacks the authority.
            post=signed_in(ALLOWED, staff=FORBIDDEN, other_staff=FORBIDDEN),
            kwargs=of("remedy_awaiting"),
            data=_decision,
        ),
    ),
    "complaints:remedy_deliver": (
        Case(
            "delivering staff's approved refund",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("remedy_approved"),
        ),
    ),
    "complaints:handoff_accept": (
        Case(
            "accepting a complaint offered to other_staff",
            get=POST_ONLY,
            post=RECEIVER_ONLY,
            kwargs=of("complaint_handoff"),
        ),
        Case(
            "accepting an offer left waiting on a closed complaint",
            get=POST_ONLY,
            post=signed_in(FORBIDDEN, other_staff=REFUSED),
            kwargs=of("closed_complaint_handoff"),
        ),
    ),
    "complaints:handoff_decline": (
        Case(
            "declining a complaint offered to other_staff",
            get=POST_ONLY,
            post=RECEIVER_ONLY,
            kwargs=of("complaint_handoff"),
            data=lambda w: {"reason": "Away all next week."},
        ),
    ),
    # --- onboarding (staff's) ---
    "onboarding:list": page(),
    "onboarding:handoffs": page(),
    "onboarding:start": (
        Case(
            "onboarding a prospect",
            get=PAGE,
            post=signed_in(ALLOWED),
            kwargs=of("prospect", "customer_pk"),
            data=lambda w: {"template": w.template.pk, "owner": w.staff.pk},
        ),
        Case(
            "onboarding a customer being onboarded already",
            get=PAGE,
            post=signed_in(REFUSED),
            kwargs=lambda w: {"customer_pk": w.onboarding.customer_id},
            data=lambda w: {"template": w.template.pk, "owner": w.staff.pk},
        ),
    ),
    "onboarding:detail": page(kwargs=of("onboarding")),
    "onboarding:cancel": (
        Case(
            "cancelling staff's onboarding",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("onboarding_quiet"),
            data=lambda w: {"cancel-reason": "They changed their mind."},
        ),
        Case(
            "cancelling a cancelled onboarding",
            get=POST_ONLY,
            post=signed_in(REFUSED, other_staff=FORBIDDEN),
            kwargs=of("onboarding_cancelled"),
            data=lambda w: {"cancel-reason": "Again."},
        ),
    ),
    "onboarding:step_complete": (
        Case(
            "completing staff's step",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("plain_step"),
            data=lambda w: {f"step-{w.plain_step.pk}-note": "Account is set up."},
        ),
        Case(
            "completing the welcome call with the customer's preferences",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("preferences_step"),
            data=_preferences,
        ),
        Case(
            "completing a step of a cancelled onboarding",
            get=POST_ONLY,
            post=signed_in(REFUSED, other_staff=FORBIDDEN),
            kwargs=of("cancelled_step"),
            data=lambda w: {f"step-{w.cancelled_step.pk}-note": "Done anyway."},
        ),
    ),
    "onboarding:handoff_offer": (
        Case(
            "handing staff's onboarding to support",
            get=POST_ONLY,
            post=MANAGERS_ONLY,
            kwargs=of("handoff_step"),
            data=lambda w: {"to_user": w.other_staff.pk, "note": PROMISE},
        ),
        Case(
            "handing over a cancelled onboarding",
            get=POST_ONLY,
            post=signed_in(REFUSED, other_staff=FORBIDDEN),
            kwargs=lambda w: {"pk": w.cancelled_onboarding_handoff.step_id},
            data=lambda w: {"to_user": w.other_staff.pk, "note": PROMISE},
        ),
    ),
    "onboarding:handoff_accept": (
        Case(
            "accepting an onboarding offered to other_staff",
            get=POST_ONLY,
            post=RECEIVER_ONLY,
            kwargs=of("onboarding_handoff"),
        ),
        Case(
            "accepting an offer left waiting on a cancelled onboarding",
            get=POST_ONLY,
            post=signed_in(FORBIDDEN, other_staff=REFUSED),
            kwargs=of("cancelled_onboarding_handoff"),
        ),
    ),
    "onboarding:handoff_decline": (
        Case(
            "declining an onboarding offered to other_staff",
            get=POST_ONLY,
            post=RECEIVER_ONLY,
            kwargs=of("onboarding_handoff"),
            data=lambda w: {"reason": "Support is full this month."},
        ),
    ),
}
