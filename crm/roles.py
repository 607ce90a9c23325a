"""The three roles of Tend and the model permissions each group holds.

Patterns are matched against ``app_label.codename`` with shell-style wildcards. Syncing only
adds: an owner who grants a group more in the admin keeps it.
"""

from fnmatch import fnmatchcase

FRONT_LINE_STAFF = "Front-line staff"
SUPERVISORS = "Supervisors"
OWNERS = "Owners"

_FRONT_LINE = [
    "customers.view_*",
    "customers.add_*",
    "customers.change_*",
    # People leave a company: front-line staff keep its list of people true. Someone named
    # in the record stays (customers.services.remove_contact).
    "customers.delete_contact",
    "complaints.view_*",
    "complaints.add_complaint*",
    "complaints.change_complaint",
    "complaints.add_remedy",
    "onboarding.view_*",
    "onboarding.add_onboarding",
    "onboarding.change_onboardingstep",
    "onboarding.add_handoff",
    "onboarding.change_handoff",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    FRONT_LINE_STAFF: _FRONT_LINE,
    SUPERVISORS: [
        *_FRONT_LINE,
        "customers.delete_followup",
        "customers.manage_any_followup",
        # Archiving sets a customer aside for everyone; front-line staff ask a supervisor.
        "customers.archive_customer",
        "complaints.change_*",
        "complaints.manage_any_complaint",
        "onboarding.change_*",
        "onboarding.manage_any_onboarding",
        "auth.view_user",
    ],
    OWNERS: [
        "crm.*",
        "customers.*",
        "complaints.*",
        "onboarding.*",
        "auth.*",
        "axes.*",
    ],
}


def permission_matches(patterns: list[str], app_label: str, codename: str) -> bool:
    """Tell whether ``app_label.codename`` is granted by any of the patterns."""
    name = f"{app_label}.{codename}"
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and add the permissions their patterns grant.

    Takes the models as arguments so that the data migration can pass its historical ones.
    """
    permissions = list(permission_model.objects.select_related("content_type"))
    for group_name, patterns in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        granted = [
            permission
            for permission in permissions
            if permission_matches(patterns, permission.content_type.app_label, permission.codename)
        ]
        group.permissions.add(*granted)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: make sure every app's permissions exist, then sync the roles."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Apps listed after crm get their permissions in later post_migrate calls; create them now
    # so the groups receive them in this same run.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(Group, Permission)
