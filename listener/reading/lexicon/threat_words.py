"""Word lists for the threat judge (``judging.abuse``): threatened harm and death wishes.

Written for this project from general moderation experience; nothing is derived from any
labelled dataset. Matched as ``signals_words``' lists are (whole words, an apostrophe
optional; each ``*_RE`` fragment with the plain words one of which any match needs).
A threat is a CRITICAL alert, so every list leans towards precision: it needs a person or
a place ("I'll burn your store down", "whoever runs @acme deserves to die"), never a thing
("this phone deserves to die", "this feature should die").
"""

from __future__ import annotations

# Someone means to do something.
THREAT_INTENT: tuple[str, ...] = (
    "i'll", "i will", "i'm going to", "im going to", "i am going to", "i'm gonna", "im gonna",
    "i am gonna", "ima", "imma", "i'ma", "i'm about to", "i want to", "i wanna", "i'd like to",
    "i would", "i swear i'll", "we'll", "we will", "we're going to", "we're gonna",
    "someone should", "somebody should", "someone needs to", "somebody needs to",
    "someone's going to", "someone is going to", "gonna", "going to", "ought to",
)  # fmt: skip
# Words allowed between the intent and the act: "i'm going to come down there and …".
THREAT_FILLERS: tuple[str, ...] = (
    "come", "go", "just", "fucking", "literally", "actually", "personally", "and", "over",
    "there", "down", "round", "around", "to", "find", "track", "hunt", "seriously", "really",
)  # fmt: skip
# Done to a person.
THREAT_VERBS: tuple[str, ...] = (
    "kill", "murder", "stab", "shoot", "strangle", "choke", "slap", "punch", "hurt",
    "attack", "assault", "rape", "torture", "behead", "lynch", "butcher", "slaughter", "knife",
    "execute", "smack", "batter", "beat up", "run over", "gun down", "shank",
)  # fmt: skip
THREAT_TARGETS: tuple[str, ...] = (
    "you", "u", "ya", "y'all", "yall", "you all", "all of you", "everyone", "everybody",
    "every one of you", "every last one of you", "him", "her", "them", "whoever", "someone",
    "somebody",
)  # fmt: skip
# Whose people: "your staff", "the delivery driver".
THREAT_PEOPLE: tuple[str, ...] = (
    "staff", "employees", "employee", "manager", "managers", "ceo", "boss", "owner", "driver",
    "drivers", "family", "kids", "children", "wife", "husband", "people", "workers", "team",
    "agent", "agents", "rep", "reps", "cashier", "cashiers", "security", "guard", "guards",
    "clerk", "receptionist", "waiter", "waitress", "technician", "courier", "guy", "woman",
    "man", "lady", "girl", "boy",
)  # fmt: skip
# Done to a place.
THREAT_PLACE_ACTS: tuple[str, ...] = (
    "burn", "burn down", "torch", "firebomb", "bomb", "blow up", "shoot up", "smash up",
    "set fire to", "vandalise", "vandalize",
)  # fmt: skip
# The acts above that threaten a place even with no "I will" in front: "shoot up the store".
THREAT_PLACE_ACTS_ALONE: tuple[str, ...] = (
    "firebomb", "bomb", "blow up", "shoot up", "set fire to", "shooting up", "blowing up",
    "bombing", "firebombing",
)  # fmt: skip
THREAT_PLACES: tuple[str, ...] = (
    "store", "stores", "shop", "shops", "office", "offices", "house", "home", "building",
    "buildings", "restaurant", "place", "branch", "warehouse", "hq", "headquarters", "factory",
    "plant", "car", "cars", "truck", "trucks", "van", "vans", "outlet", "location", "mall",
    "dealership", "bank", "station", "school", "club", "bar", "hotel", "depot",
)  # fmt: skip
# Threats as fixed phrases.
THREAT_PHRASES: tuple[str, ...] = (
    "i'm coming for you", "im coming for you", "coming for you", "coming after you",
    "i know where you live", "i know where you work", "we know where you live",
    "know where you live", "watch your back", "you're a dead man", "you're dead meat",
    "you are dead meat", "dead man walking", "sleep with one eye open",
    "you won't see it coming", "you'll never see it coming", "hunt you down",
    "put a bullet in", "bullet in your head", "bullet in your brain", "open fire on",
    "gun you down", "i have a gun", "i've got a gun", "bring a gun", "bring my gun",
    "with my gun", "bomb threat", "there's a bomb", "there is a bomb", "plant a bomb",
    "planted a bomb", "plant bombs", "pipe bomb", "burn it down", "burn it all down",
    "burn the place down", "burn this place down", "burn the whole place down",
    "break your legs", "break your neck", "break your face", "smash your face",
    "beat the shit out of", "beat the crap out of", "kick your ass", "beat you up",
    "beat u up", "beat your ass", "beat the hell out of", "find where you live",
    "find out where you live", "find where you work", "find out where you work",
    "your days are numbered", "wish you were dead", "wish you would die", "wish you'd die",
    "wish you all dead", "i'll end you", "i will end you",
)  # fmt: skip
# Whom the wider death wishes below name: a person however referred to ("whoever runs
# @acme", "the CEO", "the @acme CEO", "amazon's owner", "these people", "he", "@handle"),
# never a thing ("this phone", "the update"). "the team" names people too, so those wishes
# are only the unmistakable ones (no "be beaten": a team is beaten by another).
_PERSON_NOUNS = (
    *THREAT_PEOPLE,
    "founder", "founders", "executive", "executives", "execs", "board", "director",
    "directors", "management", "bosses", "owners", "ceos", "chairman", "president",
    "person", "persons", "guys", "men", "women", "ladies", "folks", "idiots", "morons",
    "clowns", "developers", "devs", "moderators", "mods", "admins", "landlord",
    "landlords", "pilot", "pilots", "crew", "nurse", "nurses", "doctor", "doctors",
)  # fmt: skip
_WHOSE = (
    r"(?:your|ur|the|that|this|these|those|their|his|her|every|all(?: of)?(?: your| the"
    r"| their| these| those)?|@?\w+'s?)"
)
_PERSON = (
    _WHOSE + r" (?:@?[\w-]+ ){0,2}?(?:" + "|".join(sorted(_PERSON_NOUNS, key=len, reverse=True))
    + r")(?: (?:of|at|from) (?:the |this |that |your |their )?@?[\w-]+)?"
)  # fmt: skip
# "whoever runs @acme", "the guy who sold me this": a clause of up to six words, no stop.
_WHO = (
    r"(?:whoever|whomever|anyone who|anybody who|someone who|those who|people who|the (?:person"
    r"|people|guy|guys|one|ones|idiot|idiots|moron|morons|clown|clowns) (?:who|that))"
    r"(?: [^\s.!?,;]+){1,6}?"
)
_ANYONE = (
    r"(?:" + _PERSON + "|" + _WHO + r"|@\w+|he|she|they|you|u|ya|y'?all|you all|all of you"
    r"|every(?: last)? one of you|everyone|everybody)"
)
# Dying said of no wish: "should die on that hill", "deserves to die laughing", "dies down".
_NOT_A_WISH = (
    r"(?!\w)(?! (?:on (?:this|that|the) hill|laughing|of (?:laughter|embarrassment|shame"
    r"|boredom|envy|jealousy)|down|out|off|happy|rich|old|a hero|a legend|trying)(?!\w))"
)
_WIDER_WISHES = (
    # "whoever runs @acme deserves to die", "your CEO should be shot", "@bob should die".
    (
        _ANYONE + r"(?: all)? (?:deserves? to|should|ought to|needs? to)(?: just| really"
        r"| honestly| fucking)? (?:die|be (?:killed|shot|hanged|hung|executed|murdered"
        r"|stabbed|lynched|shot dead|burned alive|burnt alive))" + _NOT_A_WISH,
        ("die", "killed", "shot", "hanged", "hung", "executed", "murdered", "stabbed",
         "lynched"),
    ),
    # "I hope the CEO dies", "hope whoever did this gets shot", "hope he rots in hell".
    (
        r"hope (?:that )?" + _ANYONE + r"(?: all)? (?:dies|die|drops dead|gets? (?:killed|shot"
        r"|stabbed|murdered|cancer|hit by a (?:bus|car|truck|train))|rots? in hell"
        r"|burns? in hell)" + _NOT_A_WISH,
        ("die", "dies", "dead", "killed", "shot", "stabbed", "murdered", "cancer", "hit",
         "rot", "rots", "burn", "burns"),
    ),
)  # fmt: skip

# Whom a death wish names, and what it wishes them.
_WISHED = (
    r"you|u|ya|y'?all|you all|your (?:\w+ )?(?:family|kids|children|wife|husband|staff|ceo"
    r"|boss|employees|mother|mom|mum|dad|father|son|daughter|people|workers)"
)
_WISHES = (
    r"die|dies|dying|rot|rots|burn|burns|suffer|suffers|choke|chokes|drown|drowns"
    r"|gets? (?:cancer|killed|shot|stabbed|raped|hit by a)"
)
# A death wish cannot be there without one of these (the regexes run only when one is).
_WISH_WORDS = (
    "die", "dies", "dying", "rot", "rots", "burn", "burns", "suffer", "suffers", "choke",
    "chokes", "drown", "drowns", "cancer", "killed", "shot", "stabbed", "raped", "hit",
)  # fmt: skip
_DESERVE_WORDS = (
    "die", "killed", "shot", "hanged", "hung", "executed", "murdered", "stabbed", "lynched",
    "beaten", "down",
)  # fmt: skip
THREAT_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    # "I will find you" (not "we'll find you a seat").
    (
        r"(?:i'?ll|i will|we'?ll|we will|i'?m going to|i'?m gonna) find (?:you|u|ya|y'?all)"
        r"(?! (?:a|an|the|some|another|one|something|somewhere|better|cheaper|on|in|online"
        r"|later))",
        ("find",),
    ),
    (r"you(?:'?re| are) dead(?! (?:to|wrong|right|serious|set|tired|on|last|in))", ("dead",)),
    # Death wishes aimed at people: "hope you die", "I hope your family gets cancer" (not "I
    # hope your family enjoys it", "hope you get well").
    (
        r"hope (?:that )?(?:" + _WISHED + r")(?: all| guys)? (?:" + _WISHES + ")",
        _WISH_WORDS,
    ),
    (
        r"(?:" + _WISHED + r"|they|he|she|whoever|everyone) (?:all )?(?:deserves? to|should"
        r"|ought to|needs? to) (?:die|be (?:killed|shot|hanged|hung|executed|murdered|stabbed"
        r"|lynched|beaten|put down))" + _NOT_A_WISH,
        _DESERVE_WORDS,
    ),
    # Romanised Hindi death wishes: "tu mar ja", "mar jaye woh log", "phansi de do".
    (
        r"(?:tu|tum|tum sab|sab) mar ja(?:a|o|ao)?|mar ja(?:a?ye|ao) (?:tu|tum|woh?|vo|sab)"
        r"|(?:phaa?n?si|fansi) (?:de do|pe latka|par latka|de deni chahiye)",
        ("mar", "phansi", "phasi", "phaansi", "fansi"),
    ),
    # Romanised Hindi: "jaan se maar dunga", "maar daalunga", "goli maar denge".
    (
        r"(?:jaan se |goli |tujhe |tujhko |tumhe |tumhein |tumko )maa?r d(?:aa?l)?(?:(?:oo?|u)n?ga"
        r"|enge|ungi)|maa?r daa?l(?:(?:oo?|u)n?ga|enge)",
        ("maar", "mar"),
    ),
    *_WIDER_WISHES,
)
