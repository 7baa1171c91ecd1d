"""Emergency phrases (SPEC §3): a match marks a new complaint as a suspected level I."""

import re

PHRASES_ZH = (
    "困人",
    "被困",
    "关在电梯",
    "爆管",
    "水管爆裂",
    "起火",
    "着火",
    "火灾",
    "冒烟",
    "燃气泄漏",
    "煤气泄漏",
    "漏电",
    "触电",
)
PHRASES_EN = ("trapped", "fire", "burst pipe", "pipe burst", "gas leak", "smoke", "electric shock")
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

_ZH = re.compile("|".join(map(re.escape, PHRASES_ZH)))
# A negation right before a phrase (perhaps with 人 / 有人 between) negates it: "没有起火",
# "无人被困", "没有人被困"; one that ends another word does not: "未平层困人", "无故困人".
_ZH_NEGATED = re.compile("(?:" + "|".join(map(re.escape, NEGATIONS_ZH)) + ")(?:有人|人)?$")
_ZH_NEGATION_REACH = 4
_EN = re.compile(
    r"\b(?:("
    + "|".join(map(re.escape, NEGATIONS_EN))
    + r")\s+(?:(?:"
    + "|".join(NEGATION_GAP_EN)
    + r")\s+){0,2})?("
    + "|".join(map(re.escape, PHRASES_EN))
    + r")\b",
    re.IGNORECASE,
)


def is_suspected_emergency(text: str) -> bool:
    """True when the text names an emergency that is not negated ("没有起火", "no fire")."""
    for match in _ZH.finditer(text):
        before = text[max(0, match.start() - _ZH_NEGATION_REACH) : match.start()]
        if not _ZH_NEGATED.search(before):
            return True
    return any(match.group(1) is None for match in _EN.finditer(text))
