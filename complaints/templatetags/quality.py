from django import template
from django.utils import timezone

from complaints.quality.selectors import (
    corrective_action_list_visible_to,
    corrective_actions_overdue,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def corrective_actions_overdue_count(context) -> int | None:
    """How many corrective actions the user can see are overdue (not answered by their
    due time); None for someone who may not see corrective actions."""
    request = context.get("request")
    if request is None or not request.user.has_perm("complaints.view_correctiveaction"):
        return None
    visible = corrective_action_list_visible_to(request.user)
    return corrective_actions_overdue(visible, now=timezone.now()).count()
