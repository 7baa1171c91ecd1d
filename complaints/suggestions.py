"""Category, level and team suggested from a new complaint's text (issue 17), by the
keyword tables the admin edits (`CategoryKeyword`): transparent, so the reason names the
words that matched ("matched 漏水 → 设施设备 / 渗漏与管道"). Where the keywords are
silent, or two categories tie, the place's recent complaints decide (the unit's, else its
building's, within the repeat window of `complaints.repeats`), and the reason says so
("same unit: 2 complaints about 渗漏与管道 in 30 days"). The agent's classification is
final; `suggestion_accuracy` measures how often it kept the suggested category.

`intake_preview` is what filing computes from the text (the emergency phrase and the
suggestion): the filing service stores it, and the forms' live preview shows it while
the person is still typing.

Keywords are found as the emergency phrases are (Chinese anywhere, English as whole
words), without negations: "没有水压" still says what the complaint is about. The tables
are company-wide and cached like the phrases (`keywords_changed` after a change).
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints import cached, clock
from complaints.emergency import emergency_phrase_match
from complaints.models import (
    DISCARDED_STATES,
    Category,
    CategoryKeyword,
    Complaint,
    Level,
    PhraseLanguage,
)
from complaints.repeats import REPEAT_WINDOW
from complaints.selectors import complaint_list_visible_to
from staff.models import Team

CACHE_KEY = "category-keywords"

Row = tuple[int, str, str, int]  # category id, language, keyword, weight


@dataclass(frozen=True)
class Suggestion:
    category: Category
    level: int
    team: Team | None
    keywords: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class IntakePreview:
    """What a filing makes of its text before anyone reads it: the emergency phrase it
    names ("" for none), whether it is a suspected emergency, and the suggestion."""

    emergency_phrase: str
    suspected_emergency: bool
    suggestion: Suggestion | None

    def as_dict(self, *, staff: bool) -> dict:
        """The live preview's answer: residents read the kind and why; staff also the
        level and team, with ids to pre-select the fields."""
        emergency = None
        if self.emergency_phrase:
            if staff:
                message = _("This sounds like an emergency: %(phrase)s")
            else:
                message = _(
                    "This sounds like an emergency (%(phrase)s): the staff on duty are "
                    "alerted as soon as you send it. Also call the property office now."
                )
            emergency = {
                "phrase": self.emergency_phrase,
                "message": message % {"phrase": self.emergency_phrase},
            }
        suggestion = None
        if self.suggestion is not None:
            found = self.suggestion
            suggestion = {
                "category": found.category.pk,
                "category_name": str(found.category),
                "reason": found.reason,
            }
            if staff:
                suggestion |= {
                    "level": found.level,
                    "level_name": str(Level(found.level).label),
                    "team": found.team.pk if found.team else None,
                    "team_name": found.team.name if found.team else None,
                }
        return {"emergency": emergency, "suggestion": suggestion}


def _rows() -> tuple[Row, ...]:
    return cached.read_through(
        CACHE_KEY,
        read=lambda: tuple(
            CategoryKeyword.objects.filter(category__is_active=True)
            .order_by("category_id", "keyword")
            .values_list("category_id", "language", "keyword", "weight")
        ),
    )


def keywords_changed() -> None:
    cached.generation_renew(CACHE_KEY)


@functools.lru_cache(maxsize=64)
def _patterns(rows: tuple[Row, ...]) -> tuple[tuple[int, str, int, re.Pattern], ...]:
    compiled = []
    for category_id, language, keyword, weight in rows:
        if language == PhraseLanguage.EN:
            pattern = re.compile(rf"\b{re.escape(keyword)}\b", re.IGNORECASE | re.ASCII)
        else:
            pattern = re.compile(re.escape(keyword))
        compiled.append((category_id, keyword, weight, pattern))
    return tuple(compiled)


def _keyword_scores(text: str) -> dict[int, list]:
    """Per category: the weight of its keywords in the text and the keywords found."""
    scores: dict[int, list] = defaultdict(lambda: [0, []])
    for category_id, keyword, weight, pattern in _patterns(_rows()):
        if pattern.search(text):
            scores[category_id][0] += weight
            scores[category_id][1].append(keyword)
    return scores


def _recent_categories(
    *, property_id: int, unit_id: int | None, building_id: int | None, now: datetime
) -> tuple[str, dict[int, int]]:
    """The place's recent complaints by category, most first (ties: the latest first):
    those about the unit within REPEAT_WINDOW, else (none there, or a common area) those
    about anywhere in its building; ("", {}) for an estate-wide place. The place is
    named as the reason words it ("unit", "building")."""
    recent = (
        Complaint.objects.filter(
            property_id=property_id,
            category__isnull=False,
            category__is_active=True,
            created_at__gte=now - REPEAT_WINDOW,
            created_at__lte=now,
        )
        .exclude(state__in=DISCARDED_STATES)
        .order_by()
    )
    places = []
    if unit_id is not None:
        places.append(("unit", Q(unit_id=unit_id)))
    if building_id is not None:
        places.append(("building", Q(building_id=building_id)))
    for name, place in places:
        rows = (
            recent.filter(place)
            .values("category_id")
            .annotate(count=Count("pk"), latest=Max("created_at"))
            .order_by("-count", "-latest", "category_id")
        )
        counts = {row["category_id"]: row["count"] for row in rows}
        if counts:
            return name, counts
    return "", {}


def _history_reason(place: str, count: int, category: Category) -> str:
    if place == "unit":
        return ngettext(
            "same unit: %(count)d complaint about %(category)s in %(days)d days",
            "same unit: %(count)d complaints about %(category)s in %(days)d days",
            count,
        ) % {"count": count, "category": category.name, "days": REPEAT_WINDOW.days}
    return ngettext(
        "same building: %(count)d complaint about %(category)s in %(days)d days",
        "same building: %(count)d complaints about %(category)s in %(days)d days",
        count,
    ) % {"count": count, "category": category.name, "days": REPEAT_WINDOW.days}


def suggestion_for(
    text: str,
    *,
    property_id: int,
    unit_id: int | None = None,
    building_id: int | None = None,
    emergency: bool = False,
    now: datetime | None = None,
) -> Suggestion | None:
    """The category whose keywords weigh most in the text, its level (I when the text is
    a suspected emergency, else the category's default) and the property's team of the
    category's kind.

    Ties on weight are broken by the number of keywords; categories still tied are
    ambiguous, and the one the place's recent complaints name most wins
    (`_recent_categories`), else the category's code. When no keyword matches, the
    category the place's recent complaints name most is suggested; None when there is
    neither."""
    scores = _keyword_scores(text)
    categories = Category.objects.select_related("parent").in_bulk(list(scores))

    def strength(pk: int) -> tuple[int, int]:
        return -scores[pk][0], -len(scores[pk][1])

    ranked = sorted(
        (pk for pk in scores if pk in categories),
        key=lambda pk: (*strength(pk), categories[pk].code),
    )
    tied = [pk for pk in ranked if strength(pk) == strength(ranked[0])]
    place, recent = "", {}
    if len(tied) != 1 and (building_id is not None or unit_id is not None):
        place, recent = _recent_categories(
            property_id=property_id,
            unit_id=unit_id,
            building_id=building_id,
            now=now or clock.now(),
        )
    reasons = []
    if ranked:
        category_id = next((pk for pk in recent if pk in tied), ranked[0])
        category = categories[category_id]
        keywords = tuple(scores[category_id][1])
        reasons.append(
            _("matched %(keywords)s → %(category)s")
            % {"keywords": "、".join(keywords), "category": category}
        )
    elif recent:
        category_id = next(iter(recent))
        category = Category.objects.select_related("parent").get(pk=category_id)
        keywords = ()
    else:
        return None
    if category_id in recent:
        reasons.append(_history_reason(place, recent[category_id], category))
    team = None
    if category.default_team_kind:
        team = (
            Team.objects.filter(property_id=property_id, kind=category.default_team_kind)
            .order_by("pk")
            .first()
        )
    return Suggestion(
        category=category,
        level=Level.I if emergency else category.default_level,
        team=team,
        keywords=keywords,
        reason="; ".join(reasons),
    )


def intake_preview(
    *,
    description: str,
    location_text: str = "",
    property_id: int,
    unit_id: int | None = None,
    building_id: int | None = None,
    category: Category | None = None,
    level: int | None = None,
    now: datetime | None = None,
) -> IntakePreview:
    """What filing this text about this place makes of it (SPEC §3): the property's
    emergency phrase in it, suspected emergency (that phrase, a category of default
    level I, or a level I given by a sensor) and the suggestion. The filing service
    stores it; the live preview of the forms shows it before submitting."""
    text = f"{description} {location_text}"
    phrase = emergency_phrase_match(text, property_id=property_id)
    suspected = (
        bool(phrase)
        or (category is not None and category.default_level == Level.I)
        or level == Level.I
    )
    return IntakePreview(
        emergency_phrase=phrase,
        suspected_emergency=suspected,
        suggestion=suggestion_for(
            text,
            property_id=property_id,
            unit_id=unit_id,
            building_id=building_id,
            emergency=suspected,
            now=now,
        ),
    )


def suggestion_accuracy(user: AbstractBaseUser, *, since: date | None = None) -> list[dict]:
    """Per month (of filing) and suggested category, over the classified complaints this
    user may see that got a suggestion: how many, how many kept the suggested category,
    level and team, and the category's share. Newest month first."""
    complaints = complaint_list_visible_to(user).filter(
        intake_suggestion__isnull=False, classified_at__isnull=False
    )
    if since is not None:
        complaints = complaints.filter(created_at__date__gte=since)
    suggested = "intake_suggestion__"
    rows = (
        complaints.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("month", f"{suggested}category")
        .annotate(
            suggested=Count("pk"),
            category_kept=Count("pk", filter=Q(category=F(f"{suggested}category"))),
            level_kept=Count("pk", filter=Q(level=F(f"{suggested}level"))),
            team_kept=Count("pk", filter=Q(team=F(f"{suggested}team"))),
        )
        .order_by("-month", f"{suggested}category")
    )
    rows = list(rows)
    names = Category.objects.select_related("parent").in_bulk(
        [row[f"{suggested}category"] for row in rows]
    )
    return [
        {
            "month": row["month"].date(),
            "category": names[row[f"{suggested}category"]],
            "suggested": row["suggested"],
            "category_kept": row["category_kept"],
            "level_kept": row["level_kept"],
            "team_kept": row["team_kept"],
            "accuracy": row["category_kept"] / row["suggested"],
        }
        for row in rows
    ]
