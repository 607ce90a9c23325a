"""``{{ user|person }}``: a person's name in a template, empty when there is nobody.

Written as ``user.get_full_name|default:user.username``, a missing person raised instead: a
filter's argument is resolved strictly, so ``customer.account_owner.username`` with no owner
made the whole page a server error.
"""

from django import template

from crm.text import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
