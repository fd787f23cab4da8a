"""Emoji valences and feelings, as customers use emoji in posts about a brand.

VADER reads a handful of emoji through their English names and ignores the rest, so a post
like "order #123 😡😡" scores neutral. These tables let the sentiment and feeling judges read
the emoji themselves. Every value was assigned for this project, on VADER's scale (-4 … +4,
where VADER's "good" is +1.9 and "horrible" -2.5); none is taken from a published emoji
sentiment table.

Keys are single code points in base form: no variation selector (U+FE0F/U+FE0E), no skin tone
and no ZWJ tail, so ``EMOJI_VALENCE[base_emoji(cluster)]`` finds every rendering of an emoji.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

# Emoji presentation selectors and the five Fitzpatrick skin-tone modifiers change how an emoji
# looks, never what it says.
_PRESENTATION = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
# A zero-width joiner glues the next emoji onto the previous one (🤦 + ZWJ + ♀ = 🤦‍♀️,
# 👨 + ZWJ + 👩 + ZWJ + 👧 = a family). Dropping each joiner with the code point after it keeps
# the first emoji of the sequence, which carries the meaning in every sequence customers use
# for feelings (facepalm, shrug, person crying…). A trailing joiner is dropped on its own.
_ZWJ_TAIL = re.compile("\u200d.?", re.DOTALL)


def base_emoji(text: str) -> str:
    """``text`` with presentation selectors, skin tones and ZWJ tails removed.

    Works on a single emoji or on a whole post: ``base_emoji("🤦🏽‍♀️") == "🤦"`` and
    ``base_emoji("ok 👍🏾") == "ok 👍"``.
    """
    return _ZWJ_TAIL.sub("", _PRESENTATION.sub("", text))


EMOJI_VALENCE: Mapping[str, float] = MappingProxyType(
    {
        # --- smiling and laughing faces
        "😀": 2.0,
        "😃": 2.2,
        "😄": 2.3,
        "😁": 2.0,
        "😆": 2.0,
        "😅": 0.8,  # relief or awkwardness ("it works now… mostly 😅"), rarely joy
        # Laughing faces are as often laughing *at* the brand ("your 'fix' broke it again 😂")
        # as with it, so they stay mildly positive instead of VADER-"lol" strong.
        "😂": 1.2,
        "🤣": 1.5,
        "🙂": 1.0,  # the polite smile is also the passive-aggressive one
        "🙃": -0.8,  # upside-down face: irony ("great, another outage 🙃"), not a smile
        "😉": 1.2,
        "😊": 2.2,
        "☺": 2.0,
        "😇": 1.8,
        "🥰": 3.0,
        "😍": 3.0,
        "🤩": 3.0,
        "😘": 2.5,
        "😗": 1.2,
        "😚": 2.0,
        "😙": 1.5,
        "🥲": -0.5,  # smiling through tears: resignation ("4 weeks and counting 🥲")
        "🥹": 1.5,  # holding back tears: moved, grateful
        "😋": 1.8,
        "😛": 1.0,
        "😜": 1.0,
        "🤪": 0.5,
        "😝": 0.8,
        "🤑": -0.5,  # about a brand, the money face mostly calls its prices greedy
        "🤗": 2.0,
        "🤭": 0.5,
        "😌": 1.2,
        "🤤": 0.8,
        "🤠": 1.5,
        "🥳": 2.8,
        "😎": 1.8,
        "🤓": 0.5,
        "🫡": 0.8,
        "😈": -0.5,
        # --- doubtful, flat and uneasy faces
        "🤔": -0.6,  # thinking face: doubt or confusion, hardly ever approval
        "🤨": -1.0,
        "🧐": -0.3,
        "🤐": -0.4,
        "😐": -0.3,  # "neutral" face: people post it when unimpressed
        "😑": -1.0,
        "😶": -0.3,
        "🫥": -0.5,
        "😏": -0.5,  # smirk: smug or snide more often than pleased
        "😒": -1.8,
        "🙄": -1.8,
        "😬": -1.0,  # grimace: "yikes", bad news or an awkward fail
        "🫤": -1.2,
        "🤥": -1.5,  # lying face: accuses the brand of lying
        "🫠": -1.0,  # melting: overwhelmed, giving up
        "🫣": -0.3,
        "🫢": -0.5,
        "😮": -0.3,
        "😯": -0.3,
        "😲": -0.5,
        "😳": -1.0,
        "🤯": -0.5,  # mind blown: amazed or exasperated in equal measure
        "😴": -0.4,  # asleep: bored, or waiting forever
        "🥱": -1.0,
        "😪": -0.8,
        "😵": -1.5,
        "🥴": -1.0,
        # --- sad, worried and hurt faces
        "😔": -1.8,
        "😕": -1.3,
        "😟": -1.6,
        "🙁": -1.6,
        "☹": -2.0,
        "🥺": -1.0,
        "😦": -1.2,
        "😧": -1.6,
        "😨": -2.2,
        "😰": -2.2,
        "😥": -1.5,
        "😢": -2.2,
        # Loudly crying is sadness in a complaint, but just as often "I'm crying laughing";
        # a moderate value keeps one emoji from deciding the post either way.
        "😭": -1.0,
        "😱": -2.0,
        "😖": -2.2,
        "😣": -2.0,
        "😞": -2.2,
        "😓": -1.5,
        "😩": -2.3,
        "😫": -2.3,
        # Steam from the nose is "triumph" in Unicode's name, but in posts to a brand it is
        # fuming.
        "😤": -2.2,
        "😠": -2.8,
        "😡": -3.2,
        "🤬": -3.5,
        "👿": -2.5,
        # --- sick and disgusted faces
        "😷": -1.2,
        "🤒": -1.5,
        "🤕": -1.8,
        "🤢": -2.5,
        "🤮": -3.0,
        "🤧": -1.0,
        "🥵": -0.5,
        "🥶": -0.8,
        # --- creatures and cats
        "💀": -0.5,  # "I'm dead" is mostly laughter; kept slightly negative for "app is dead"
        "☠": -2.0,
        "💩": -2.8,
        "🤡": -2.5,  # clown: calls the brand a joke
        "👹": -2.0,
        "👺": -2.0,
        "👻": -0.3,  # "ghosted by support"
        "🙈": 0.3,
        "😸": 2.0,
        "😻": 2.8,
        "😿": -2.0,
        "😾": -2.5,
        "🙀": -1.8,
        # --- hands and people
        "👍": 1.8,
        "👎": -2.2,
        # Applause is praise, but "FIX 👏 YOUR 👏 APP" and "well done, 3rd outage this week 👏"
        # are common too; mildly positive, and left out of the feelings (too mixed to call).
        "👏": 0.8,
        "🙌": 2.0,
        "👌": 1.5,
        "✌": 1.0,
        "🤞": 0.8,
        "🤝": 1.5,
        "🙏": 1.2,  # thanks, or "please 🙏": a plea, not a complaint by itself
        "💪": 1.8,
        "👊": 0.5,
        "✊": 0.8,
        "🤙": 1.0,
        "🫶": 2.8,
        "👋": 0.3,
        "🤌": -0.5,  # pinched fingers: "what is this supposed to be?"
        "👀": -0.3,  # eyes: watching the brand, usually with suspicion
        "🖕": -3.5,
        "🤷": -0.5,  # shrug: resignation ("no idea when it comes 🤷")
        "🤦": -1.8,
        "🙅": -1.2,
        "🙆": 0.8,
        # --- hearts
        "❤": 3.0,
        "🧡": 2.8,
        "💛": 2.8,
        "💚": 2.8,
        "💙": 2.8,
        "💜": 2.8,
        "🤎": 2.5,
        "🤍": 2.5,
        "🖤": 1.5,  # black heart: style or mourning as often as love
        "💕": 3.0,
        "💖": 3.0,
        "💗": 2.8,
        "💓": 2.8,
        "💞": 2.8,
        "💘": 2.5,
        "💝": 2.5,
        "💟": 2.0,
        "❣": 2.5,
        "💋": 1.8,
        "💔": -2.6,
        "🥀": -1.5,
        # --- celebration and praise symbols
        "🔥": 1.2,  # "fire" is praise, though "dumpster fire" is not; kept mild
        "💯": 1.5,  # agreement; it amplifies complaints too, so not higher
        "✨": 1.5,
        "⭐": 1.8,
        "🌟": 2.0,
        "🎉": 2.5,
        "🎊": 2.3,
        "🥇": 2.2,
        "🏆": 2.2,
        "🎁": 1.5,
        "🎂": 1.5,
        "👑": 1.8,
        "💎": 1.8,
        "🚀": 1.8,
        "🌈": 1.5,
        "☀": 1.2,
        "🌞": 1.5,
        "🍀": 1.5,
        "🌹": 1.8,
        "🌸": 1.5,
        "💐": 2.0,
        "🥂": 2.0,
        "🍾": 2.2,
        "🎯": 1.5,
        "💡": 0.8,
        "🔝": 1.5,
        "🆒": 1.5,
        "🆗": 0.8,
        "📈": 1.2,
        "💰": 0.3,
        # --- marks and warnings
        "✅": 1.2,
        "✔": 1.0,
        "☑": 1.0,
        "❌": -1.8,
        "✖": -1.2,
        "❎": -1.0,
        "⛔": -2.0,
        "🚫": -2.0,
        "⚠": -1.8,
        "🚩": -2.0,  # red flag: a warning to others about the brand
        "🚨": -1.8,
        "🆘": -2.5,
        "💢": -2.5,
        "❗": -0.8,  # exclamation marks in posts to a brand mostly stress a problem
        "❕": -0.5,
        "❓": -0.8,
        "❔": -0.5,
        "💥": -0.5,
        "💣": -1.5,
        "💤": -0.8,  # boring, or a slow service
        "⌛": -1.0,  # hourglasses: still waiting
        "⏳": -1.0,
        "🐌": -1.5,  # snail: too slow
        "🐢": -0.5,
        "🗑": -2.2,  # wastebasket: "this product is trash"
        "💸": -1.2,  # money flying away: money wasted or overcharged
        "📉": -1.5,
        "🐛": -1.2,  # a software bug
    }
)

Feeling = str  # one of FEELINGS

FEELINGS: tuple[Feeling, ...] = (
    "frustrated",
    "angry",
    "disappointed",
    "confused",
    "anxious",
    "sarcastic",
)

# Only emoji whose feeling is clear in most posts; mixed ones (😭 😂 👏 🙏 🤷 🤯) stay out so
# one emoji cannot put a wrong feeling into a reply draft.
EMOJI_FEELINGS: Mapping[str, Feeling] = MappingProxyType(
    {
        "😡": "angry",
        "🤬": "angry",
        "😠": "angry",
        "👿": "angry",
        "💢": "angry",
        "🖕": "angry",
        "😾": "angry",
        "😤": "frustrated",
        "😩": "frustrated",
        "😫": "frustrated",
        "🤦": "frustrated",
        "😖": "frustrated",
        "😣": "frustrated",
        "😒": "frustrated",
        "😞": "disappointed",
        "😢": "disappointed",
        "💔": "disappointed",
        "😔": "disappointed",
        "😥": "disappointed",
        "😿": "disappointed",
        "🤔": "confused",
        "😕": "confused",
        "🤨": "confused",
        "❓": "confused",
        "❔": "confused",
        "😰": "anxious",
        "😱": "anxious",
        "😟": "anxious",
        "😨": "anxious",
        "😧": "anxious",
        "🆘": "anxious",
        "🙄": "sarcastic",
        "🙃": "sarcastic",
        "🤡": "sarcastic",
    }
)
