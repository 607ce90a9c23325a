"""``{% navigation "wide" %}``: the main navigation, its places declared once for both layouts.

A wide screen shows them all as one row of tabs; a phone shows the ``primary`` four in a bar
at the bottom of the screen (in thumb's reach) and the rest behind its "More" menu. Both are
drawn from this one list, so a destination added here is reachable on every screen.
"""

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Destination:
    key: str
    label: str
    url: str
    active: bool
    primary: bool
    badge: int = 0


# key, label, URL name, (namespace, url_name or None for the whole namespace), on the phone bar
_PLACES = [
    ("my_day", _("My day"), "crm:my_day", ("crm", "my_day"), True),
    ("customers", _("Customers"), "customers:list", ("customers", None), True),
    ("followups", _("Follow-ups"), "followups:list", ("followups", None), True),
    ("complaints", _("Complaints"), "complaints:list", ("complaints", None), True),
    ("notices", _("Notices"), "crm:notices", ("crm", "notices"), False),
    ("onboarding", _("Onboarding"), "onboarding:list", ("onboarding", None), False),
    ("reports", _("Reports"), "crm:reports", ("crm", "reports"), False),
]


@dataclass(frozen=True)
class Navigation:
    places: list[Destination]

    @property
    def primary(self) -> list[Destination]:
        return [place for place in self.places if place.primary]

    @property
    def more(self) -> list[Destination]:
        return [place for place in self.places if not place.primary]

    @property
    def more_active(self) -> bool:
        """Tell whether the page shown is one of those behind the phone's "More" menu."""
        return any(place.active for place in self.more)

    @property
    def more_badge(self) -> int:
        return sum(place.badge for place in self.more)


@register.simple_tag(takes_context=True)
def navigation(context, layout: str) -> str:
    """Draw the main navigation in a layout ("wide" or "phone"), the page shown marked active.

    Every page draws it twice (both layouts, CSS shows one), and it is the same for everyone
    on the same page with the same unread count: so each drawing is kept in the process,
    under what it is drawn from.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    namespace, url_name = (match.namespace, match.url_name) if match else ("", "")
    unread = context.get("unread_notice_count") or 0
    # The context processor gives a cached callable (one query, only where the count shows).
    unread = unread() if callable(unread) else unread
    user = context.get("user")
    return _drawn(
        layout,
        namespace,
        url_name,
        unread,
        bool(user is not None and user.is_staff),
        get_language(),
        get_script_prefix(),
    )


# Two layouts times a few pages times the unread counts people have: a few hundred drawings.
@lru_cache(maxsize=1024)
def _drawn(layout, namespace, url_name, unread, is_staff, language, script_prefix) -> str:
    nav = destinations(namespace, url_name, unread, is_staff=is_staff)
    html = render_to_string("partials/navigation.html", {"nav": nav, "nav_layout": layout})
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


def destinations(namespace: str, url_name: str, unread: int, *, is_staff: bool) -> Navigation:
    """Return the places of someone on the page (namespace, url_name), the page marked active."""
    places = [
        Destination(
            key=key,
            label=str(label),
            url=reverse(url),
            active=namespace == wanted[0] and wanted[1] in (None, url_name),
            primary=primary,
            badge=unread if key == "notices" else 0,
        )
        for key, label, url, wanted, primary in _PLACES
    ]
    if is_staff:
        places.append(
            Destination("admin", str(_("Admin")), reverse("admin:index"), False, primary=False)
        )
    return Navigation(places)
