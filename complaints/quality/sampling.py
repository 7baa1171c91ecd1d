"""The monthly inspection sample (质检抽查), reproducible from what the draw stores.

The population is the team's complaints closed in the month (closed_at in the local
month, still closed or revisited when drawn), by ascending id. The sample is
`random.Random(seed).sample(population, size)` with
size = min(N, max(minimum, ceil(N × rate / 100))): a team that closed fewer than the
minimum has every complaint inspected, never more than it closed.
"""

import math
import random
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from complaints.models import CLOSED_STATES, Complaint, InspectionDraw
from complaints.reports.months import month_bounds

DEFAULT_RATE_PERCENT = Decimal("5")
DEFAULT_MINIMUM = 3


def sample_rules() -> tuple[Decimal, int]:
    """(rate in %, minimum) from PROPERTYDESK_INSPECTION_SAMPLE_PERCENT and
    PROPERTYDESK_INSPECTION_SAMPLE_MINIMUM, read at call time."""
    rate = Decimal(
        str(getattr(settings, "PROPERTYDESK_INSPECTION_SAMPLE_PERCENT", DEFAULT_RATE_PERCENT))
    )
    minimum = int(getattr(settings, "PROPERTYDESK_INSPECTION_SAMPLE_MINIMUM", DEFAULT_MINIMUM))
    return rate, minimum


def sample_size(population: int, *, rate_percent: Decimal, minimum: int) -> int:
    proportional = math.ceil(Decimal(population) * rate_percent / 100)
    return min(population, max(minimum, proportional))


def population_ids(*, team_id: int, month: date) -> list[int]:
    start, end = month_bounds(month)
    return list(
        Complaint.objects.filter(
            team_id=team_id, state__in=CLOSED_STATES, closed_at__gte=start, closed_at__lt=end
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sample_draw(population: list[int], *, seed: str, size: int) -> list[int]:
    return random.Random(seed).sample(population, size)


def draw_repeat(draw: InspectionDraw) -> list[int]:
    """The sample drawn again from the stored seed and population: equal to `draw.sample`."""
    size = sample_size(len(draw.population), rate_percent=draw.rate_percent, minimum=draw.minimum)
    return sample_draw(list(draw.population), seed=draw.seed, size=size)


def draw_explanation(draw: InspectionDraw) -> str:
    """How the sample was drawn, in words a supervisor can check by hand."""
    size = len(draw.sample)
    return _(
        "Population: the %(count)d complaints of %(team)s closed in %(month)s and still "
        "closed when drawn, by ascending id: %(population)s. Sample size: %(size)d = "
        "min(%(count)d, max(%(minimum)d, ceil(%(count)d × %(rate)s %%))). Drawn with "
        "Python's random.Random(%(seed)r).sample(population, %(size)d): %(sample)s. "
        "Drawing again from the stored seed gives: %(again)s."
    ) % {
        "count": len(draw.population),
        "team": draw.team.name,
        "month": f"{draw.month:%Y-%m}",
        "population": ", ".join(map(str, draw.population)) or "-",
        "size": size,
        "minimum": draw.minimum,
        "rate": draw.rate_percent.normalize(),
        "seed": draw.seed,
        "sample": ", ".join(map(str, draw.sample)) or "-",
        "again": ", ".join(map(str, draw_repeat(draw))) or "-",
    }
