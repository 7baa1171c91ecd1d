from django import template
from django.utils import timezone

from complaints.quality import selectors
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


@register.simple_tag(takes_context=True)
def model_cases_for(context, category_id, exclude=None):
    """The model cases to suggest for a category (the intake and change pages), for
    staff who may read the case library."""
    request = context.get("request")
    if request is None or not request.user.has_perm("complaints.view_modelcase"):
        return []
    try:
        category_id = int(category_id)
    except (TypeError, ValueError):
        return []
    return list(selectors.model_cases_for(request.user, category_id, exclude_complaint_id=exclude))
