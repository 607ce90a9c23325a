"""A small Tend with one object in every state a page or an action can meet.

Built once per test module by the ``world`` fixture (tests/crm/conftest.py) for the permission
matrix and the hostile-input fuzz: both request every URL with the real ids found here. Built
through the services where they exist, so the objects are what people would really create;
``staff`` owns the work, ``other_staff`` is the person work is handed to.

When an action needs an object in a state this world does not have yet, add it here (one
attribute per object) and name it in the permission table's row.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group

from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintHandoff, Remedy, RootCause
from crm import notices
from crm.models import Notice
from customers import services as customer_services
from customers.models import (
    Contact,
    Customer,
    FollowUp,
    InboundAttachment,
    InboundMessage,
    Interaction,
)
from onboarding import services as onboarding_services
from onboarding.models import ChecklistTemplate, Handoff, Onboarding, OnboardingStep, TemplateStep
from tests.factories import ContactFactory, CustomerFactory, make_actor

PROMISE = "Promised the first delivery on Tuesday; they expect a call from support."


@dataclass
class World:
    staff: object
    other_staff: object
    supervisor: object
    owner: object
    customer: Customer
    contact: Contact
    # Named nowhere in the record, so that it may be removed.
    spare_contact: Contact
    interaction: Interaction
    follow_up: FollowUp
    prospect: Customer
    bare_customer: Customer
    archived_customer: Customer
    root_cause: RootCause
    complaint_new: Complaint
    complaint_acknowledged: Complaint
    complaint_investigating: Complaint
    complaint_awaiting: Complaint
    complaint_resolved: Complaint
    complaint_closed: Complaint
    remedy_approved: Remedy
    remedy_awaiting: Remedy
    complaint_handoff: ComplaintHandoff
    closed_complaint_handoff: ComplaintHandoff
    template: ChecklistTemplate
    onboarding: Onboarding
    onboarding_quiet: Onboarding
    onboarding_cancelled: Onboarding
    preferences_step: OnboardingStep
    plain_step: OnboardingStep
    handoff_step: OnboardingStep
    cancelled_step: OnboardingStep
    onboarding_handoff: Handoff
    cancelled_onboarding_handoff: Handoff
    notice: Notice
    inbound_message: InboundMessage
    inbound_attachment: InboundAttachment

    def actor(self, name: str):
        """Return the person playing the actor, or None for an anonymous visitor."""
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    """Create the world; call inside a transaction the caller rolls back."""
    staff, other_staff = make_actor("staff"), make_actor("other_staff")
    supervisor, owner = make_actor("supervisor"), make_actor("owner")

    customer = CustomerFactory(name="Bramble Bakery", account_owner=staff)
    contact = ContactFactory(customer=customer, name="Rosa Bramble")
    interaction, follow_up = customer_services.log_interaction(
        actor=staff,
        customer=customer,
        contact=contact,
        summary="Asked when the wedding cake arrives",
        needs_callback=True,
    )
    prospect = CustomerFactory(name="Quince Quarry", status="prospect", account_owner=staff)
    root_cause = RootCause.objects.get(name="Courier delay")

    def complaint(words: str) -> Complaint:
        return complaint_services.log_complaint(
            actor=staff, customer=customer, channel="phone", customer_words=words
        )

    def resolved(words: str) -> Complaint:
        acknowledged = complaint_services.acknowledge(actor=staff, complaint=complaint(words))
        return complaint_services.resolve(actor=staff, complaint=acknowledged, no_remedy=True)

    complaint_new = complaint("The cake came squashed.")
    complaint_acknowledged = complaint_services.acknowledge(
        actor=staff, complaint=complaint("Nobody called back.")
    )
    complaint_investigating = complaint("Charged twice.")
    remedy_approved = complaint_services.propose_remedy(
        actor=staff, complaint=complaint_investigating, kind="refund", amount=Decimal(20)
    )
    complaint_awaiting = complaint("The wrong cake, on the wedding day.")
    remedy_awaiting = complaint_services.propose_remedy(
        actor=staff, complaint=complaint_awaiting, kind="refund", amount=Decimal(400)
    )
    complaint_handoff = complaint_services.offer_handoff(
        actor=staff, complaint=complaint_awaiting, to_user=other_staff, note=PROMISE
    )
    complaint_resolved = resolved("The box was torn.")
    complaint_closed = complaint_services.close(
        actor=staff,
        complaint=resolved("Late again."),
        root_cause=root_cause,
        corrective_note="A second courier for weddings.",
    )
    # Left over from before handoffs checked the status they act on: still waiting for an answer
    # on work that is finished. Nobody may take it over now.
    closed_complaint_handoff = ComplaintHandoff.objects.create(
        complaint=complaint_services.close(
            actor=staff,
            complaint=resolved("Late once more."),
            root_cause=root_cause,
            corrective_note="A second courier for weddings.",
        ),
        from_user=staff,
        to_user=other_staff,
        note=PROMISE,
    )

    sales, _created = Group.objects.get_or_create(name="Sales")
    support, _created = Group.objects.get_or_create(name="Support")
    staff.groups.add(sales)
    other_staff.groups.add(support)
    template = ChecklistTemplate.objects.create(name="Welcome a bakery")
    for position, (title, group, flags) in enumerate(
        [
            ("Welcome call", sales, {"captures_preferences": True}),
            ("Set up their account", sales, {}),
            ("Hand over to support", sales, {"is_handoff_point": True}),
            ("First delivery", support, {}),
        ],
        start=1,
    ):
        TemplateStep.objects.create(
            template=template, position=position, title=title, group=group, **flags
        )

    def onboarding(name: str) -> Onboarding:
        return onboarding_services.start_onboarding(
            actor=staff,
            customer=CustomerFactory(name=name, status="prospect", account_owner=staff),
            template=template,
            owner=staff,
            assignees={support.pk: other_staff},
        )

    def handoff_step_of(running: Onboarding) -> OnboardingStep:
        return running.steps.get(is_handoff_point=True)

    running = onboarding("Cobble Cafe")
    onboarding_handoff = onboarding_services.offer_handoff(
        actor=staff, step=handoff_step_of(running), to_user=other_staff, note=PROMISE
    )
    onboarding_quiet = onboarding("Damson Deli")
    onboarding_cancelled = onboarding("Elder Eatery")
    cancelled_onboarding_handoff = onboarding_services.offer_handoff(
        actor=staff, step=handoff_step_of(onboarding_cancelled), to_user=other_staff, note=PROMISE
    )
    onboarding_services.cancel_onboarding(
        actor=staff, onboarding=onboarding_cancelled, reason="They chose another supplier."
    )
    # As above: an offer left waiting on an onboarding that has stopped.
    Handoff.objects.filter(pk=cancelled_onboarding_handoff.pk).update(
        declined_at=None, decline_reason=""
    )

    # An unread notice for each person (staff's leads to a complaint), so that "mark all read"
    # has something to do for everyone.
    notice = notices.notify(
        user=staff,
        subject="1 new breach",
        body="Complaints past their first response:\n- The cake came squashed.",
        path=complaint_new.get_absolute_url(),
    )
    for person in (other_staff, supervisor, owner):
        notices.notify(user=person, subject="A handoff waits", body="Accept or decline it.")
    # An email the customer sent, as the inbound webhook keeps it (customers/inbound.py).
    inbound_message = InboundMessage.objects.create(
        message_id="<order-question@bramble.example>",
        sender_email=customer.email,
        sender_name="Rosa Bramble",
        recipients="replies@tend.example",
        subject="The wedding cake",
        text="Can it come an hour earlier?",
        outcome=InboundMessage.Outcome.CUSTOMER,
        customer=customer,
    )

    return World(
        notice=notice,
        staff=staff,
        other_staff=other_staff,
        supervisor=supervisor,
        owner=owner,
        customer=customer,
        contact=contact,
        spare_contact=ContactFactory(customer=customer, name="Sam Bramble"),
        interaction=interaction,
        follow_up=follow_up,
        prospect=prospect,
        bare_customer=Customer.objects.create(name="Fig Florist"),
        archived_customer=customer_services.archive_customer(
            actor=supervisor,
            customer=Customer.objects.create(name="Elm Emporium"),
            reason="Entered twice",
        ),
        root_cause=root_cause,
        complaint_new=complaint_new,
        complaint_acknowledged=complaint_acknowledged,
        complaint_investigating=Complaint.objects.get(pk=complaint_investigating.pk),
        complaint_awaiting=Complaint.objects.get(pk=complaint_awaiting.pk),
        complaint_resolved=complaint_resolved,
        complaint_closed=complaint_closed,
        remedy_approved=remedy_approved,
        remedy_awaiting=remedy_awaiting,
        complaint_handoff=complaint_handoff,
        closed_complaint_handoff=closed_complaint_handoff,
        template=template,
        onboarding=running,
        onboarding_quiet=onboarding_quiet,
        onboarding_cancelled=onboarding_cancelled,
        preferences_step=running.steps.get(captures_preferences=True),
        plain_step=running.steps.get(title="Set up their account"),
        handoff_step=handoff_step_of(onboarding_quiet),
        cancelled_step=onboarding_cancelled.steps.get(title="Set up their account"),
        onboarding_handoff=onboarding_handoff,
        cancelled_onboarding_handoff=Handoff.objects.get(pk=cancelled_onboarding_handoff.pk),
        inbound_message=inbound_message,
        inbound_attachment=InboundAttachment.objects.create(
            message=inbound_message,
            filename="receipt.pdf",
            content_type="application/pdf",
            size=9,
            content=b"%PDF-1.7\n",
        ),
    )
