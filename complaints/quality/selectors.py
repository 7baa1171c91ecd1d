"""Which reply scripts, inspections and corrective actions a user may see, and which
scripts a complaint offers. Scripts are company-wide or a property's; inspections are
the quality supervisors' (of their properties) and the inspected team's only."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from complaints.models import Complaint, CorrectiveAction, Inspection, ModelCase, ReplyScript
from staff.selectors import property_ids_visible_to

INSPECTOR_PERMISSION = "complaints.score_inspection"


def reply_scripts_visible_to(user: AbstractBaseUser) -> QuerySet[ReplyScript]:
    """Company-wide scripts and those of the user's properties."""
    queryset = ReplyScript.objects.select_related("category", "property")
    if user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(
        Q(property__isnull=True) | Q(property_id__in=property_ids_visible_to(user))
    )


def reply_scripts_offered(complaint: Complaint) -> QuerySet[ReplyScript]:
    """The active scripts for this complaint: of its category (or the category's parent)
    or of any category, company-wide or of its property."""
    categories = Q(category__isnull=True)
    if complaint.category_id is not None:
        categories |= Q(category_id=complaint.category_id)
        if complaint.category.parent_id is not None:
            categories |= Q(category_id=complaint.category.parent_id)
    return (
        ReplyScript.objects.filter(is_active=True)
        .filter(Q(property__isnull=True) | Q(property_id=complaint.property_id))
        .filter(categories)
        .order_by("situation", "title")
    )


def _team_scope(user: AbstractBaseUser, prefix: str = "") -> Q | None:
    """Rows of the teams the user inspects (a supervisor: every team of their
    properties) or belongs to (as a member or the leader); None: every row."""
    if user.is_active and user.is_superuser:
        return None
    in_properties = Q(**{f"{prefix}team__property_id__in": property_ids_visible_to(user)})
    if user.has_perm(INSPECTOR_PERMISSION):
        return in_properties
    own_team = Q(**{f"{prefix}team__leader": user}) | Q(**{f"{prefix}team__members__user": user})
    return in_properties & own_team


def inspection_list_visible_to(user: AbstractBaseUser) -> QuerySet[Inspection]:
    queryset = Inspection.objects.select_related("team__property", "complaint", "draw")
    if not user.is_active or not user.is_staff:
        return queryset.none()
    scope = _team_scope(user)
    return queryset if scope is None else queryset.filter(scope).distinct()


def corrective_action_list_visible_to(user: AbstractBaseUser) -> QuerySet[CorrectiveAction]:
    queryset = CorrectiveAction.objects.select_related(
        "team__property", "inspection__complaint", "leader"
    )
    if not user.is_active or not user.is_staff:
        return queryset.none()
    scope = _team_scope(user)
    return queryset if scope is None else queryset.filter(scope).distinct()


OVERDUE = Q(state=CorrectiveAction.State.OPEN)


def corrective_actions_overdue(queryset: QuerySet[CorrectiveAction], *, now: datetime):
    """Not answered by the team leader by their due time: overdue (the supervisor's
    closing is not the leader's deadline)."""
    return queryset.filter(OVERDUE, due_at__lt=now)


SUGGESTED_CASES = 5


def model_cases_visible_to(user: AbstractBaseUser) -> QuerySet[ModelCase]:
    """The cases of the user's properties (a case names its complaint and its writer,
    both of that property). Not limited to a handler's team: a case carries no personal
    data of the resident."""
    queryset = ModelCase.objects.select_related("category", "complaint", "written_by")
    if user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(complaint__property_id__in=property_ids_visible_to(user))


def model_cases_for(
    user: AbstractBaseUser, category_id: int | None, *, exclude_complaint_id: int | None = None
):
    """The newest model cases of a category that the user may read (the intake and
    change pages suggest them: a title and what fixed it, each a link)."""
    if category_id is None:
        return ModelCase.objects.none()
    queryset = (
        model_cases_visible_to(user)
        .filter(category_id=category_id)
        .select_related(None)
        .only("title", "what_fixed_it")
    )
    if exclude_complaint_id is not None:
        queryset = queryset.exclude(complaint_id=exclude_complaint_id)
    return queryset.order_by("-written_at")[:SUGGESTED_CASES]
