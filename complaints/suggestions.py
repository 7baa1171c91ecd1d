"""Category, level and team suggested from a new complaint's text (issue 17), by the
keyword tables the admin edits (`CategoryKeyword`): transparent, so the reason names the
words that matched ("matched 漏水 → 设施设备 / 渗漏与管道"). The agent's classification
is final; `suggestion_accuracy` measures how often it kept the suggested category.

Keywords are found as the emergency phrases are (Chinese anywhere, English as whole
words), without negations: "没有水压" still says what the complaint is about. The tables
are company-wide and cached like the phrases (`keywords_changed` after a change).
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import cached
from complaints.models import Category, CategoryKeyword, Level, PhraseLanguage
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


def _rows() -> tuple[Row, ...]:
    key = f"{CACHE_KEY}:{cached.generation(CACHE_KEY)}"
    rows = cache.get(key)
    if rows is None:
        rows = tuple(
            CategoryKeyword.objects.filter(category__is_active=True)
            .order_by("category_id", "keyword")
            .values_list("category_id", "language", "keyword", "weight")
        )
        cache.set(key, rows, cached.STALE_AT_MOST)
    return rows


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


def suggestion_for(text: str, *, property_id: int, emergency: bool = False) -> Suggestion | None:
    """The category whose keywords weigh most in the text (ties: more keywords, then the
    category's code), its level (I when the text is a suspected emergency, else the
    category's default) and the property's team of the category's kind; None when no
    keyword matches."""
    scores: dict[int, list] = defaultdict(lambda: [0, []])
    for category_id, keyword, weight, pattern in _patterns(_rows()):
        if pattern.search(text):
            scores[category_id][0] += weight
            scores[category_id][1].append(keyword)
    if not scores:
        return None
    categories = Category.objects.select_related("parent").in_bulk(list(scores))
    category_id = min(
        (pk for pk in scores if pk in categories),
        key=lambda pk: (-scores[pk][0], -len(scores[pk][1]), categories[pk].code),
        default=None,
    )
    if category_id is None:
        return None
    category = categories[category_id]
    keywords = tuple(scores[category_id][1])
    team = None
    if category.default_team_kind:
        team = (
            Team.objects.filter(property_id=property_id, kind=category.default_team_kind)
            .order_by("pk")
            .first()
        )
    level = Level.I if emergency else category.default_level
    reason = _("matched %(keywords)s → %(category)s") % {
        "keywords": "、".join(keywords),
        "category": category,
    }
    return Suggestion(category=category, level=level, team=team, keywords=keywords, reason=reason)


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
