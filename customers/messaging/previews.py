"""Sample values for the admin's preview of a template: a real, recent case of each event.

``customers`` knows callbacks; the apps above it register samples of their own events (the
complaints app: its latest complaint), so the preview never needs to import them.
"""

from collections.abc import Callable

from customers.messaging.models import MessageEvent

# provider(event) -> (customer, contact, values) for the event, or None when it knows none.
SampleProvider = Callable[[str], tuple | None]
sample_providers: list[SampleProvider] = []


def register_sample(provider: SampleProvider) -> SampleProvider:
    """Add a provider of sample values for the template preview."""
    if provider not in sample_providers:
        sample_providers.append(provider)
    return provider


def sample_for(event: str) -> tuple | None:
    """Return (customer, contact, values) of the latest case of the event, or None."""
    for provider in sample_providers:
        sample = provider(event)
        if sample is not None:
            return sample
    return None


def callback_sample(event: str) -> tuple | None:
    """The latest call back booked, for the callback template."""
    from customers.messaging.services import callback_values
    from customers.models import FollowUp

    if event != MessageEvent.CALLBACK_BOOKED:
        return None
    follow_up = (
        FollowUp.objects.filter(kind=FollowUp.Kind.CALLBACK)
        .select_related("customer", "owner")
        .order_by("-created_at", "-pk")
        .first()
    )
    if follow_up is None:
        return None
    return follow_up.customer, None, callback_values(follow_up)


def render_preview(template) -> tuple[str, str] | None:
    """Return the template's subject and body filled for the latest case, or None."""
    from customers.messaging.placeholders import fill
    from customers.messaging.services import Composer

    sample = sample_for(template.event)
    if sample is None:
        return None
    customer, contact, values = sample
    filled = Composer(events=[]).values(customer, contact, values)
    return fill(template.subject, filled), fill(template.body, filled)
