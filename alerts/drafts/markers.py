"""What the draft linter looks for, per language, and the stock lines no draft may use.

The linter reads a draft as a person would glance at it: does it acknowledge the feeling
(a word of that feeling, or of the way it is met: "quickly" for urgency, "work through"
for confusion), does it say what happens next, does it mention the history and loyalty it
was given. The built-in templates use these words; an edited template that drops them is
what the linter is for.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Stock lines that make a reply read as a script (the 29% in the issue), and lines that
# blame the customer or admit liability in public. Settings add to these.
BANNED_PHRASES = (
    "we apologize for any inconvenience",
    "we apologise for any inconvenience",
    "sorry for any inconvenience",
    "sorry for the inconvenience",
    "your call is important to us",
    "your business is important to us",
    "please be advised",
    "thank you for your patience",
    "thanks for your patience",
    "we value your feedback",
    "we appreciate your feedback",
    "as per our policy",
    "per our policy",
    "at this time",
    "rest assured",
    "we regret to inform",
    "kindly note",
    "for security reasons we cannot",
    "we are unable to comment",
    "please do the needful",
    "our fault",
    "we messed up",
    "you should have",
    "you failed to",
    "as previously stated",
    "valued customer",
)

# Feeling → words that show it was acknowledged. "sarcastic" is met as frustration.
FEELING_MARKERS: dict[str, dict[str, str]] = {
    "en": {
        "frustrated": r"frustrat|fed up|annoy|exasperat|maddening|wear(?:ing)? thin",
        "angry": r"angry|anger|upset|furious|cross",
        "disappointed": r"disappoint|let (?:you )?down|letdown|expected better",
        "confused": r"confus|unclear|make sense|work through|puzzl",
        "anxious": r"urgent|worr|quickly|right away|stress|anxious",
    },
    "bn": {
        "frustrated": r"বিরক্ত|অসহ্য", "angry": r"রাগ|রেগে|ক্ষোভ", "disappointed": r"হতাশ",
        "confused": r"বিভ্রান্ত|একসাথে", "anxious": r"জরুরি|দ্রুত|চিন্তা",
    },
    "te": {
        "frustrated": r"విసుగు|చిరాకు|అసహనం", "angry": r"కోపం|కోపంగా", "disappointed": r"నిరాశ",
        "confused": r"గందరగోళ|కలిసి", "anxious": r"అత్యవసర|వెంటనే|ఆందోళన",
    },
    "hi": {
        "frustrated": r"झुंझला|परेशान", "angry": r"गुस्सा|नाराज़", "disappointed": r"निराश",
        "confused": r"उलझन|मिलकर", "anxious": r"रूरी|जल्दी|चिंता|तुरंत",
    },
}  # fmt: skip

# Words of a next step: something the brand will do, or something the person can do now.
NEXT_STEP_MARKERS = {
    "en": r"\b(?:I'll|I will|we'll|we will|let's|let me|I'm (?:checking|looking)|"
    r"(?:DM|email|e-mail|call|message|reply|write|send|try|head to|go to)\b)|https?://",
    "bn": r"জানাব|দেখছি|খতিয়ে|করুন|পাঠান|ইমেল|কল|মেসেজ|ডিএম|https?://",
    "te": r"తెలియజేస్తా|చూస్తున్నా|చూస్తాం|పరిశీలిస్తున్నా|పంపండి|చేయండి|ఈమెయిల్|కాల్|మెసేజ్|DM|https?://",
    "hi": r"बताएँगे|बताएंगे|देखेंगे|देख रहे|भेजें|करें|ईमेल|कॉल|मैसेज|DM|https?://",
}
HISTORY_MARKERS = {
    "en": r"wrote to us|got in touch|contacted us|reached out|last time|raised this|"
    r"you've told us|you told us|again",
    "bn": r"আগেও|আবার|আগে",
    "te": r"ఇంతకు ముందు|మళ్ళీ|మళ్లీ|ముందే",
    "hi": r"पहले भी|दोबारा|फिर से|पहले",
}
LOYALTY_MARKERS = {
    "en": r"with us|loyal|long time|for years|stuck with us|stood by us|means a lot|matter",
    "bn": r"পাশে|দীর্ঘদিন|অনেক দিন|ভরসা",
    "te": r"చాలా కాలంగా|నమ్మకం|తోడుగా",
    "hi": r"लंबे समय|भरोसा|साथ",
}
# Promises a draft may make only when the brand's policy allows them. English is read as a
# promise (a future "we'll refund"); in the other languages the word itself is enough,
# since the built-in templates there never name a refund except as the person's topic.
PROMISE_MARKERS: dict[str, dict[str, str]] = {
    "en": {
        "refunds": r"\b(?:I'll|I will|we'll|we will|you'll|you will|going to)\s+(?:\w+\s+){0,3}"
        r"(?:refund|reimburse|get your money back|get a refund|receive a refund|"
        r"be refunded|be reimbursed)",
        "compensation": r"\b(?:I'll|I will|we'll|we will|you'll|you will|going to)\s+"
        r"(?:\w+\s+){0,3}(?:compensat|credit your|get a voucher|receive a voucher|"
        r"give you a voucher|make it up to you with)",
    },
    "bn": {"refunds": r"রিফান্ড দেব|টাকা ফেরত দেব", "compensation": r"ক্ষতিপূরণ দেব"},
    "te": {"refunds": r"రీఫండ్ చేస్తా|డబ్బు తిరిగి ఇస్తా", "compensation": r"పరిహారం ఇస్తా"},
    "hi": {"refunds": r"रिफंड कर देंगे|पैसे लौटा देंगे", "compensation": r"मुआवज़ा देंगे"},
}
# Words every match of a PROMISE_MARKERS pattern holds (lowercase, ASCII): a draft without
# any of them cannot match, and most drafts promise nothing, so the case-blind regex (a
# scan of the whole draft, slow on the non-ASCII text every draft has) runs only when one
# is there. Keep in step with the patterns: a test checks each pattern against its words.
PROMISE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "refunds": ("refund", "reimburse", "money back"),
        "compensation": ("compensat", "credit your", "voucher", "make it up to you with"),
    },
}

# English evidence of a feeling → the kind of mirror sentence that answers it best.
MIRRORS = {
    "repeat": ("again", "yet again", "how many times", "every single time", "over and over",
               "for the last time"),
    "still": ("still",),
    "fed_up": ("fed up", "sick of", "tired of", "sick and tired", "enough is enough", "give up",
               "giving up", "gave up", "at my wits end", "pulling my hair"),
    "hassle": ("nightmare", "hassle", "headache", "exhausting", "exhausted"),
    "unacceptable": ("unacceptable", "appalling", "disgrace", "disgraceful", "shameful",
                     "outrageous"),
    "trust": ("scam", "scammed", "scammers", "thieves", "robbery", "liar", "liars", "lied"),
    "expected_better": ("expected better", "expect better", "used to be", "used to love",
                        "not what it used to be"),
    "waste": ("waste of money", "not worth", "waste of time", "what a waste"),
    "time": ("urgent", "urgently", "asap", "emergency", "need it today", "need it by",
             "deadline", "right now", "immediately", "as soon as possible", "running out of time"),
}  # fmt: skip
_MIRROR_OF = {word: key for key, words in MIRRORS.items() for word in words}


def mirror_for(evidence: tuple[str, ...]) -> str | None:
    """The mirror kind for a feeling's evidence words, the first that has one."""
    for word in evidence:
        key = _MIRROR_OF.get(word.lower())
        if key:
            return key
    return None


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    """A marker pattern, compiled once (case-insensitive)."""
    return re.compile(pattern, re.IGNORECASE)
