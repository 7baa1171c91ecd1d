"""Emergency phrases (SPEC §3): a match marks a new complaint as a suspected level I.

The phrases are rows (`EmergencyPhrase`, per language, per property or for all), edited
in the admin; migration 0028 seeded them with the lists this module used to hold. The
negation words are grammar and stay here. Every filing reads its property's phrases, so
they are cached (Django's cache) under a generation that any change replaces.
"""

import functools
import re
from dataclasses import dataclass

from django.db.models import Q

from complaints import cached

NEGATIONS_ZH = ("没有", "没", "无", "未", "不是", "并非")
NEGATIONS_EN = (
    "no",
    "not",
    "without",
    "never",
    "isn't",
    "wasn't",
    "nobody",
    "no one",
    "no-one",
    "nothing",
)
# Words that may stand between a negation and the phrase it negates ("nobody is
# trapped", "nothing caught fire", "there wasn't a fire"); any other word ends the
# negation: "nothing but smoke", "no one else trapped", "nobody noticed fire".
NEGATION_GAP_EN = ("is", "was", "were", "are", "got", "caught", "been", "a", "any", "on")

# A negation right before a phrase (perhaps with 人 / 有人 between) negates it: "没有起火",
# "无人被困", "没有人被困"; one that ends another word does not: "未平层困人", "无故困人".
_ZH_NEGATED = re.compile("(?:" + "|".join(map(re.escape, NEGATIONS_ZH)) + ")(?:有人|人)?$")
_ZH_NEGATION_REACH = 4

CACHE_PREFIX = "emergency-phrases"


def _alternatives(phrases: tuple[str, ...]) -> str:
    # Longest first: at one position "电梯困人" wins over "困人", so the longer is named.
    return "|".join(map(re.escape, sorted(phrases, key=lambda p: (-len(p), p))))


@dataclass(frozen=True)
class PhraseMatcher:
    """Chinese phrases found anywhere in the text, English ones as whole words in any
    case (ASCII word boundaries, so "电梯里trapped" is found in mixed text); each
    skipped when a negation stands right before it."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    @functools.cached_property
    def _zh(self) -> re.Pattern | None:
        return re.compile(_alternatives(self.zh)) if self.zh else None

    @functools.cached_property
    def _en(self) -> re.Pattern | None:
        if not self.en:
            return None
        return re.compile(
            r"\b(?:("
            + "|".join(map(re.escape, NEGATIONS_EN))
            + r")\s+(?:(?:"
            + "|".join(NEGATION_GAP_EN)
            + r")\s+){0,2})?("
            + _alternatives(self.en)
            + r")\b",
            re.IGNORECASE | re.ASCII,
        )

    def match(self, text: str) -> str:
        """The first phrase the text names and does not negate, as written in the
        table; "" when there is none."""
        found: list[tuple[int, str]] = []
        if self._zh is not None:
            for match in self._zh.finditer(text):
                before = text[max(0, match.start() - _ZH_NEGATION_REACH) : match.start()]
                if not _ZH_NEGATED.search(before):
                    found.append((match.start(), match.group(0)))
                    break
        if self._en is not None:
            for match in self._en.finditer(text):
                if match.group(1) is None:
                    found.append((match.start(2), match.group(2).lower()))
                    break
        return min(found)[1] if found else ""


@functools.lru_cache(maxsize=256)
def _matcher(zh: tuple[str, ...], en: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(zh=zh, en=en)


def _phrases_read(property_id: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from complaints.models import EmergencyPhrase, PhraseLanguage

    scope = Q(property__isnull=True)
    if property_id is not None:
        scope |= Q(property_id=property_id)
    rows = (
        EmergencyPhrase.objects.filter(scope, is_active=True)
        .order_by("phrase")
        .values_list("language", "phrase")
    )
    zh, en = [], []
    for language, phrase in rows:
        (zh if language == PhraseLanguage.ZH_HANS else en).append(phrase)
    return tuple(dict.fromkeys(zh)), tuple(dict.fromkeys(en))


def phrases_for(property_id: int | None) -> PhraseMatcher:
    """The active phrases of a property: its own and those for every property (only
    the latter with None). Cached until a phrase changes (`phrases_changed`)."""
    phrases = cached.read_through(
        CACHE_PREFIX, property_id or "all", read=lambda: _phrases_read(property_id)
    )
    return _matcher(*phrases)


def phrases_changed() -> None:
    cached.generation_renew(CACHE_PREFIX)


def emergency_phrase_match(text: str, *, property_id: int | None = None) -> str:
    """The emergency phrase the text names (not negated) for this property, or ""."""
    return phrases_for(property_id).match(text)


def is_suspected_emergency(text: str, *, property_id: int | None = None) -> bool:
    """True when the text names an emergency that is not negated ("没有起火", "no fire")."""
    return bool(emergency_phrase_match(text, property_id=property_id))
