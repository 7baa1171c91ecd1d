from django import template
from django.utils import timezone

from complaints.selectors import Queue, complaint_queue_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_queues(context) -> list[dict]:
    """The queues with their sizes for the admin index (one query); none for non-staff.
    A queue of suspected emergencies that is not empty is marked urgent (shown red)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("complaints.view_complaint"):
        return []
    counts = complaint_queue_counts(request.user, now=timezone.now())
    return [
        {
            "value": q.value,
            "label": q.label,
            "count": counts[q.value],
            "urgent": q == Queue.SUSPECTED_EMERGENCY and counts[q.value] > 0,
        }
        for q in Queue
    ]
