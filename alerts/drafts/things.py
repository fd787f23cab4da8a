"""The words a draft uses for what the person named: "your order", "the charge on your card".

The judge finds a topic and the words behind it (``lexicon.english.TOPIC_CUES``); a draft
should name the same thing back, so each cue word maps to a phrase that reads after
"the trouble with …", "about …" and "look into …". A cue word not listed here takes its
topic's default; a topic from the settings (``judgments.topics``) reads as "the <topic>".

The judge reads topic and feeling words in Latin script only, so for Bengali, Telugu and
Hindi posts a few of the commonest words are looked for here (substring: these languages
attach endings, "অর্ডারটা", "ఆర్డర్‌ను"). Hindi phrases are in the oblique case, because
every Hindi template puts them before a postposition ("… को लेकर").
"""

from __future__ import annotations

# Topic → its phrase when no cue word says more.
_DEFAULT = {
    "delivery": "your delivery",
    "billing": "the charge",
    "product_quality": "the product",
    "support": "the help you got from us",
    "website_app": "the app",
    "pricing": "the price",
    "account": "your account",
}

# Cue word (as the judge reports it, lowercased) → phrase. Prefix entries end with "*".
_BY_WORD = {
    "delivery": {
        "my order": "your order", "order hasn't": "your order", "order": "your order",
        "package": "your package", "parcel": "your parcel", "tracking": "the tracking",
        "tracking number": "the tracking", "track my": "the tracking", "courier": "the courier",
        "driver": "the driver", "box": "the box", "collection": "the collection",
        "pick up": "your pickup", "pickup": "your pickup", "shipping": "the shipping",
        "shipment": "your shipment",
    },
    "billing": {
        "refund*": "your refund", "money back": "your refund", "charge": "the charge",
        "charged": "the charge", "charges": "the charges", "overcharged": "the charge",
        "bill": "your bill", "billed": "your bill", "billing": "your bill",
        "invoice": "your invoice", "payment": "your payment", "paid": "your payment",
        "pay": "your payment", "card": "the charge on your card",
        "credit card": "the charge on your card", "debit": "the charge on your card",
        "direct debit": "your direct debit", "transaction": "the transaction",
        "reimburs*": "your reimbursement", "chargeback": "the chargeback",
        "receipt": "your receipt", "statement": "your statement", "fee": "the fee",
        "fees": "the fees", "subscription": "your subscription", "renewal": "your subscription",
        "auto renew": "your subscription", "cancel": "your cancellation",
        "cancellation": "your cancellation", "voucher": "your voucher", "credit": "the credit",
    },
    "product_quality": {
        "broken": "the fault", "broke": "the fault", "stopped working": "the fault",
        "doesn't work": "the fault", "not working": "the fault", "faulty": "the fault",
        "defect*": "the fault", "malfunction*": "the fault", "fell apart": "the fault",
        "falling apart": "the fault", "damaged": "the damaged item",
        "cracked": "the damaged item", "smashed": "the damaged item", "torn": "the damaged item",
        "ripped": "the damaged item", "battery": "the battery", "screen": "the screen",
        "wrong size": "the sizing", "doesn't fit": "the sizing", "wrong item": "the wrong item",
        "quality": "the quality", "cheap": "the quality", "cheaply made": "the quality",
        "leak*": "the leak", "cold": "your food", "raw": "your food",
        "undercooked": "your food", "taste*": "your food", "fake": "the item you received",
        "counterfeit": "the item you received",
    },
    "support": {
        "on hold": "the wait on hold", "hold": "the wait on hold", "hung up": "the call",
        "transferred": "the way your call was handled", "chat": "the chat",
        "live chat": "the chat", "chatbot": "the chat", "no reply": "the reply you're owed",
        "no response": "the reply you're owed", "nobody answers": "the reply you're owed",
        "rude": "your experience with our team", "unhelpful": "your experience with our team",
        "agent": "your experience with our team", "staff": "your experience with our team",
        "employee": "your experience with our team", "rep": "your experience with our team",
        "representative": "your experience with our team",
        "manager": "your experience with our team", "store": "your visit to our store",
        "branch": "your visit to our store", "service": "the service",
    },
    "website_app": {
        "website": "the website", "web site": "the website", "site": "the website",
        "webpage": "the website", "page": "the website", "browser": "the website",
        "checkout": "the checkout", "check out": "the checkout", "cart": "the checkout",
        "basket": "the checkout", "crash*": "the crashes", "bug": "the bug", "bugs": "the bugs",
        "buggy": "the bugs", "glitch*": "the glitch", "error": "the error",
        "error message": "the error", "update": "the update", "updated": "the update",
        "the update": "the update", "loading": "the loading problem",
        "won't load": "the loading problem", "link": "the link", "download": "the download",
        "install": "the install", "server": "the outage", "outage": "the outage",
        "is down": "the outage", "offline": "the outage", "wifi": "your connection",
        "internet": "your connection", "connection": "your connection",
        "signal": "your signal",
    },
    "pricing": {
        "price increase": "the price increase", "price hike": "the price increase",
        "hike": "the price increase", "raised": "the price increase", "discount": "the offer",
        "deal": "the offer", "offer": "the offer", "promo": "the offer", "coupon": "the coupon",
        "sale": "the sale", "value": "the value for money", "worth": "the value for money",
    },
    "account": {
        "login": "your sign-in", "log in": "your sign-in", "logged in": "your sign-in",
        "logged out": "your sign-in", "log on": "your sign-in", "sign in": "your sign-in",
        "signin": "your sign-in", "sign up": "your sign-up", "password": "your password",
        "reset": "your password reset", "locked out": "your locked account",
        "locked": "your locked account", "suspended": "your account suspension",
        "banned": "your account suspension", "verification": "the verification code",
        "verify": "the verification code", "verified": "the verification code",
        "2fa": "the verification code", "two factor": "the verification code",
        "otp": "the verification code", "code": "the verification code",
        "hacked": "your account's security",
    },
}  # fmt: skip

# Bengali, Telugu, Hindi: topic → (words to look for, phrase, phrase when a card is named).
INDIC_TOPICS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "bn": {
        "delivery": (("অর্ডার", "ডেলিভারি", "পার্সেল", "কুরিয়ার"), "আপনার অর্ডার"),
        "billing": (("টাকা", "বিল", "পেমেন্ট", "রিফান্ড", "চার্জ", "কার্ড"), "আপনার পেমেন্ট"),
        "product_quality": (("নষ্ট", "ভাঙা", "খারাপ মান", "ত্রুটি"), "আপনার পণ্য"),
        "website_app": (("অ্যাপ", "ওয়েবসাইট", "সাইট"), "আমাদের অ্যাপ"),
        "account": (("অ্যাকাউন্ট", "পাসওয়ার্ড", "লগইন"), "আপনার অ্যাকাউন্ট"),
        "pricing": (("দাম", "মূল্য"), "দাম"),
        "support": (("কাস্টমার কেয়ার", "সাপোর্ট", "হেল্পলাইন"), "আমাদের সাপোর্ট"),
    },
    "te": {
        "delivery": (("ఆర్డర్", "డెలివరీ", "పార్సెల్", "కొరియర్"), "మీ ఆర్డర్"),
        "billing": (("డబ్బు", "బిల్లు", "పేమెంట్", "రీఫండ్", "ఛార్జ్", "కార్డ్"), "మీ పేమెంట్"),
        "product_quality": (("పాడై", "విరిగి", "నాణ్యత", "లోపం"), "మీ ప్రోడక్ట్"),
        "website_app": (("యాప్", "వెబ్‌సైట్", "సైట్"), "మా యాప్"),
        "account": (("అకౌంట్", "ఖాతా", "పాస్‌వర్డ్", "లాగిన్"), "మీ అకౌంట్"),
        "pricing": (("ధర",), "ధర"),
        "support": (("కస్టమర్ కేర్", "సపోర్ట్", "హెల్ప్‌లైన్"), "మా సపోర్ట్"),
    },
    "hi": {
        "delivery": (("ऑर्डर", "आर्डर", "डिलीवरी", "पार्सल", "कूरियर"), "आपके ऑर्डर"),
        "billing": (("पैसे", "बिल", "पेमेंट", "भुगतान", "रिफंड", "कार्ड"), "आपकी पेमेंट"),
        "product_quality": (("खराब", "ख़राब", "टूटा", "टूटी", "खराबी"), "आपके प्रोडक्ट"),
        "website_app": (("ऐप", "वेबसाइट", "साइट"), "हमारे ऐप"),
        "account": (("अकाउंट", "खाता", "पासवर्ड", "लॉगिन"), "आपके अकाउंट"),
        "pricing": (("दाम", "कीमत", "क़ीमत"), "हमारी कीमतों"),
        "support": (("कस्टमर केयर", "सपोर्ट", "हेल्पलाइन"), "हमारी सपोर्ट टीम"),
    },
}
# The charge on a card, named in the language's own words.
INDIC_CARD = {
    "bn": (("কার্ড",), "আপনার কার্ডের চার্জ"),
    "te": (("కార్డ్", "కార్డు"), "మీ కార్డ్ ఛార్జ్"),
    "hi": (("कार्ड",), "आपके कार्ड से कटे पैसों"),
}
# Billing named more exactly where the post or the judge's topic evidence says which: a
# refund owed ("রিফান্ড", "రీఫండ్", "रिफंड") or money taken twice ("দুবার", "రెండుసార్లు",
# "दो बार"). First match wins: the double charge, then the refund, then the card.
INDIC_BILLING: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "bn": ((("দুবার", "দু'বার", "ডাবল"), "দুবার কাটা টাকা"),
           (("রিফান্ড", "টাকা ফেরত", "ফেরত"), "আপনার রিফান্ড")),
    "te": ((("రెండుసార్లు", "రెండు సార్లు", "డబుల్"), "రెండుసార్లు కట్ అయిన డబ్బు"),
           (("రీఫండ్", "డబ్బు తిరిగి", "వాపసు"), "మీ రీఫండ్")),
    "hi": ((("दो बार", "दोबारा कट", "डबल"), "दो बार कटे पैसों"),
           (("रिफंड", "रिफ़ंड", "पैसे वापस", "वापसी"), "आपके रिफंड")),
}  # fmt: skip
# Feelings named outright in these languages (the judge's feeling words are English).
INDIC_FEELINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "bn": {
        "angry": ("রাগ", "রেগে", "ক্ষুব্ধ"), "frustrated": ("বিরক্ত", "অসহ্য"),
        "disappointed": ("হতাশ",), "confused": ("বুঝতে পারছি না", "বিভ্রান্ত"),
        "anxious": ("জরুরি", "চিন্তা", "দুশ্চিন্তা", "তাড়াতাড়ি"),
    },
    "te": {
        "angry": ("కోపం", "కోపంగా"), "frustrated": ("విసుగు", "చిరాకు"),
        "disappointed": ("నిరాశ",), "confused": ("అర్థం కావడం లేదు", "గందరగోళ"),
        "anxious": ("అత్యవసర", "ఆందోళన", "త్వరగా"),
    },
    "hi": {
        "angry": ("गुस्सा", "ग़ुस्सा", "नाराज़", "नाराज"), "frustrated": ("परेशान", "तंग"),
        "disappointed": ("निराश",), "confused": ("समझ नहीं", "उलझन"),
        "anxious": ("ज़रूरी", "जरूरी", "चिंता", "जल्दी"),
    },
}  # fmt: skip


def english_thing(topic: str, evidence: tuple[str, ...]) -> str:
    """The phrase for ``topic``, from the most specific cue word behind it."""
    table = _BY_WORD.get(topic, {})
    words = [w.lower() for w in evidence]
    if topic == "billing" and any(w in ("card", "credit card", "debit") for w in words):
        return "the charge on your card"
    for word in words:
        if word in table:
            return table[word]
        for key, phrase in table.items():
            if key.endswith("*") and word.startswith(key[:-1]):
                return phrase
    if topic in _DEFAULT:
        return _DEFAULT[topic]
    return "the " + topic.replace("_", " ")  # a topic of the settings' own, e.g. "the battery"


def indic_thing(language: str, topic: str, text: str, evidence: tuple[str, ...] = ()) -> str | None:
    """The phrase for ``topic`` in ``language`` (None when the language has none); the
    judge's ``evidence`` words for the topic are read beside the text."""
    table = INDIC_TOPICS.get(language)
    if table is None:
        return None
    if topic == "billing":
        seen = (text, *evidence)
        for words, phrase in INDIC_BILLING[language]:
            if any(w in part for w in words for part in seen):
                return phrase
        words, card = INDIC_CARD[language]
        if any(w in text for w in words):
            return card
    entry = table.get(topic)
    return entry[1] if entry else None


def indic_billing_said(language: str, text: str, evidence: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` or the judge's ``evidence`` holds a billing word of ``language``
    (True for a language without a table: nothing to check it against)."""
    table = INDIC_TOPICS.get(language)
    if table is None:
        return True
    words = (*table["billing"][0], *INDIC_CARD[language][0])
    words += tuple(w for group, _ in INDIC_BILLING[language] for w in group)
    return any(w in part for w in words for part in (text, *evidence))


def indic_topic(language: str, text: str) -> str | None:
    """The first topic (in the table's order) whose words appear in ``text``."""
    for topic, (words, _) in INDIC_TOPICS.get(language, {}).items():
        if any(w in text for w in words):
            return topic
    return None


def indic_feeling(language: str, text: str) -> tuple[str, tuple[str, ...]] | None:
    for feeling, words in INDIC_FEELINGS.get(language, {}).items():
        found = tuple(w for w in words if w in text)
        if found:
            return feeling, found
    return None


# Chinese and Japanese posts are drafted in English; the judge's topic evidence for them is
# in their own words (坏了, 届かない, 退款). These name the thing back in English from that
# evidence (and, for money taken twice, the post): the most specific match first, then the
# topic's plain thing. Only our own English words reach a draft.
_CJK_BY_EVIDENCE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("两次", "兩次", "二重", "重复扣", "重複", "扣了两", "2回"), "the double charge"),
    (("退款", "退钱", "退錢", "返金", "払い戻し"), "the refund"),
    (("没到", "沒到", "没收到", "沒收到", "未收到", "届かない", "届いていない", "まだ届", "未着"),
     "your order"),
    (("坏", "壞", "壊れ", "故障", "不能用", "動かない", "破損", "破れ"), "the item that broke"),
    (("闪退", "閃退", "崩溃", "崩潰", "卡死", "クラッシュ", "落ちる", "アプリ"), "the app"),
    (("登录", "登錄", "账号", "帳號", "ログイン", "アカウント"), "your account"),
)  # fmt: skip
_CJK_BY_TOPIC = {
    "delivery": "your order",
    "billing": "the charge",
    "product_quality": "the item",
    "website_app": "the app",
    "account": "your account",
}


def cjk_thing(topic: str, evidence: tuple[str, ...], text: str) -> str | None:
    """The English thing for a Chinese or Japanese post the judge gave ``topic``, read from
    the topic's ``evidence`` (and the post, for a double charge); None when unsure."""
    for words, phrase in _CJK_BY_EVIDENCE:
        seen = (*evidence, text) if phrase == "the double charge" else evidence
        if any(w in part for w in words for part in seen):
            return phrase
    return _CJK_BY_TOPIC.get(topic)
