"""Word lists for the signal judges: spam and bots, abuse, profanity, urgency (threats are in
``threat_words``).

Written for this project from general moderation and customer-care experience; nothing is
derived from any labelled dataset. Plain phrases are lowercase, single-spaced and matched as
whole words (an apostrophe also matches a missing one: "i'll" finds "ill" and "i’ll").
The ``*_RE`` entries are regular-expression fragments, for the few cues a phrase cannot say
(amounts, obfuscated spellings, fixed threats with exceptions), each with the plain words
one of which any match must contain: the judges skip a regex when none of those words is in
the text, which is what keeps them cheap. ``listener.judging.signals`` adds word boundaries.

Every list leans towards precision: a false "threat" or "spam" hides or escalates a real
customer, so ambiguous words ("fire", "bomb", "sue", "airdrop") appear only inside phrases
that pin their meaning down.
"""

from __future__ import annotations

# Words too common to be worth looking for before trying a phrase that contains them: the
# signal judges pick a rarer word of each phrase as the one that must be in a text first.
COMMON_WORDS: tuple[str, ...] = (
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "back", "be", "been",
    "but", "by", "can", "come", "coming", "day", "did", "do", "does", "down", "for", "from", "get",
    "go", "going", "gonna", "got", "had", "has", "have", "he", "her", "here", "him", "his", "how",
    "i", "if", "in", "is", "it", "its", "just", "know", "like", "made", "make", "me", "more", "my",
    "need", "new", "no", "not", "now", "of", "on", "one", "open", "or", "our", "out", "over",
    "place", "right", "see", "she", "so", "some", "that", "the", "their", "them", "then", "there",
    "they", "this", "time", "to", "up", "us", "very", "want", "was", "watch", "way", "we", "were",
    "what", "when", "where", "who", "whole", "why", "will", "with", "work", "would", "you", "your",
)  # fmt: skip

# ---- spam -------------------------------------------------------------------------------

# One of these is enough: nobody writes them except to farm engagement or sell something.
SPAM_STRONG: tuple[str, ...] = (
    "follow and rt", "follow & rt", "follow + rt", "follow and retweet", "follow & retweet",
    "follow + retweet", "rt and follow", "rt & follow", "rt + follow", "like and rt",
    "like & rt", "like + rt", "like and retweet", "like & retweet", "rt to win",
    "retweet to win", "rt to enter", "retweet to enter", "like to win", "tag 3 friends",
    "tag three friends", "tag 2 friends", "tag two friends", "tag a friend to win",
    "dm for promo", "dm for promotion", "dm for promos", "dm for paid promo", "dm for collab",
    "dm for collabs", "dm for collaboration", "dm for shoutout", "dm for s/o", "dm me for promo",
    "dm us for promo", "paid promo available", "promo available", "free crypto",
    "crypto airdrop", "token airdrop", "nft airdrop", "claim your airdrop", "airdrop is live",
    "claim your free", "claim your reward", "claim your tokens", "claim your prize",
    "free followers", "buy followers", "gain followers", "get more followers", "free bitcoin",
    "free btc", "free eth", "free usdt", "double your bitcoin", "double your crypto",
    "double your money", "guaranteed profit", "guaranteed profits", "guaranteed returns",
    "passive income", "make money online", "make money from home", "work from home and earn",
    "earn from home", "financial freedom", "forex signals", "binary options",
    "whatsapp me", "message me on whatsapp", "text me on whatsapp", "contact me on telegram",
    "join my telegram", "join our telegram", "hot singles",
)  # fmt: skip
SPAM_STRONG_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"earn (?:up to |over |upto )?\$ ?\d[\d,.]*k?", ("earn",)),  # "earn $500 a day"
    (r"earn \d[\d,.]*k? ?(?:dollars|usd|\$)", ("earn",)),
    (
        r"(?:make|making|made) \$ ?\d[\d,.]*k? (?:a|per|every|/) ?(?:day|week|hour|daily)",
        ("make", "making", "made"),
    ),
)
# Each of these alone is ordinary (a customer can mention a giveaway or a code); two of them,
# or one beside a structural signal, read as promotion.
SPAM_WEAK: tuple[str, ...] = (
    "giveaway", "giveaways", "give away", "click the link", "click link", "click here",
    "link in bio", "link in my bio", "check my bio", "check out my", "promo code", "use code",
    "use my code", "discount code", "coupon code", "limited time offer", "limited offer",
    "act now", "don't miss out", "100% free", "free gift", "win a free", "chance to win",
    "enter to win", "sign up now", "shop now", "buy now", "order now", "subscribe to my",
    "visit my profile", "airdrop", "presale", "pre-sale", "whitelist spot", "mint now",
    "to the moon", "100x", "1000x", "dm me now", "hurry up", "only today",
)  # fmt: skip

# ---- bots -------------------------------------------------------------------------------

# What only software (or a person admitting to being one) writes.
BOT_STRONG: tuple[str, ...] = (
    "i am a bot", "i'm a bot", "this action was performed automatically", "[automated]",
    "this is an automated", "automated post", "automated tweet", "beep boop", "beep beep boop",
)  # fmt: skip
# Templates that share buttons, schedulers and feed relays fill in.
BOT_TEMPLATES: tuple[str, ...] = (
    "new post:", "new post -", "new blog post", "new video:", "new episode:", "new article:",
    "new listing:", "new photo:", "price drop:", "deal alert:", "#ad", "#sponsored", "#spon",
    "[auto]", "#ifttt", "via ifttt", "i just posted", "just posted a", "posted a new",
    "i liked a @youtube video", "i added a video to a @youtube playlist", "just listed:",
)  # fmt: skip

# ---- abuse ------------------------------------------------------------------------------

# Insults that need someone to be aimed at ("you idiot", "what a moron", "useless clowns").
INSULT_NOUNS: tuple[str, ...] = (
    "idiot", "moron", "imbecile", "cretin", "dumbass", "jackass", "asshole", "arsehole",
    "bastard", "scumbag", "dickhead", "douchebag", "douche", "prick", "twat", "wanker",
    "tosser", "loser", "clown", "fool", "muppet", "pig", "scum", "creep", "jerk", "dipshit",
    "shithead", "halfwit", "numpty", "bitch", "cunt", "retard", "degenerate", "vulture",
    "dick", "dicks", "idiots", "morons", "imbeciles",
    "cretins", "dumbasses", "jackasses", "assholes", "arseholes", "bastards", "scumbags",
    "dickheads", "douchebags", "douches", "pricks", "twats", "wankers", "tossers", "losers",
    "clowns", "fools", "muppets", "pigs", "creeps", "jerks", "dipshits", "shitheads",
    "halfwits", "numpties", "bitches", "cunts", "retards", "degenerates", "vultures",
)  # fmt: skip
# Accusations: ordinary complaint words ("you thieves, refund me") unless sworn at someone,
# as in "you fucking liars".
ACCUSATIONS: tuple[str, ...] = (
    "liar", "liars", "thief", "thieves", "crook", "crooks", "scammer", "scammers", "fraud",
    "frauds", "people", "lot", "bunch", "animals", "monkeys", "incompetents",
)  # fmt: skip
# Plural insults that are aimed at people by themselves ("morons", "bunch of…" not needed).
INSULTS_ALONE: tuple[str, ...] = (
    "idiots", "morons", "imbeciles", "cretins", "dumbasses", "jackasses", "assholes",
    "arseholes", "bastards", "scumbags", "dickheads", "douchebags", "wankers", "twats",
    "tossers", "cunts", "shitheads", "dipshits", "retards",
)  # fmt: skip
# Words that aim an insult: "you …", "what a …", "your … manager", "bunch of …".
INSULT_AIMS: tuple[str, ...] = (
    "you", "u", "ya", "ye", "ur", "your", "yall", "y'all", "you guys", "you people", "you lot",
    "you all", "you're", "you are", "you r", "u r", "you're all", "you guys are",
    "you all are", "these", "those", "what a", "what an", "bunch of",
    "buncha", "pack of", "band of", "load of", "he's a", "he's an", "she's a", "she's an",
    "he is a", "he is an", "she is an", "she is a", "they're", "they are",
)  # fmt: skip
# Words allowed between the aim and the insult: "you absolute f***ing clowns".
INSULT_MODIFIERS: tuple[str, ...] = (
    "all", "such", "a", "an", "so", "absolute", "complete", "total", "utter", "bloody", "damn",
    "stupid", "useless", "incompetent", "pathetic", "brainless", "clueless", "lazy",
    "worthless", "greedy", "dumb", "rude", "arrogant", "thieving", "lying", "ignorant",
    "little", "fat", "ugly", "corporate", "bunch of", "pack of", "fucking", "fuckin",
)  # fmt: skip
# An adjective that aims a plural insult by itself: "useless clowns", "greedy pigs".
INSULT_ADJECTIVES: tuple[str, ...] = (
    "useless", "incompetent", "pathetic", "stupid", "brainless", "clueless", "lazy",
    "worthless", "greedy", "dumb", "thieving", "lying", "ignorant", "disgusting", "filthy",
)  # fmt: skip
# Said to someone, whatever follows.
ABUSE_PHRASES: tuple[str, ...] = (
    "screw you", "screw u", "screw ya", "screw yall", "screw y'all", "screw your company",
    "damn you", "go to hell", "rot in hell", "burn in hell", "go die", "kys",
    "kill yourself", "kill yourselves", "kill urself", "go kill yourself", "hope you die",
    "hope you all die", "eat shit", "eat a dick", "suck my dick", "suck my balls",
    "suck my ass", "stfu", "gfy", "up yours", "piss off", "bugger off", "sod off",
    "get fucked", "you're stupid", "you are stupid", "you're so stupid", "you are so stupid",
    "you're dumb", "you are dumb", "you're so dumb", "you are so dumb", "you're retarded",
    "you are retarded", "you're worthless", "you are worthless", "you're subhuman",
    "you are subhuman", "you're scum", "you are scum", "you piece of shit", "you pos",
)  # fmt: skip
# "drop dead" said to someone; not "drop dead gorgeous", praise.
DROP_DEAD_RE = (
    r"drop dead(?! (?:gorgeous|gorg|beautiful|handsome|stunning|sexy|fabulous|fab|cute|hot"
    r"|pretty|funny|simple|easy|brilliant|good|delicious|amazing|cool|fit|lovely|perfect|chic"
    r"|stylish|elegant|great|fantastic|fun|smart|sleek|classy|dreamy|cool))"
)
# Slurs count as abuse with no one named: they are aimed at people by what they are.
# Deliberately short and not exhaustive; ambiguous words ("fag" = cigarette) are left out.
SLURS: tuple[str, ...] = (
    "nigger", "niggers", "faggot", "faggots", "tranny", "trannies", "spic", "spics", "kike",
    "kikes", "wetback", "wetbacks", "paki", "pakis", "gook", "gooks", "raghead", "ragheads",
    "towelhead", "towelheads", "retard", "retards",
)  # fmt: skip

# ---- profanity ------------------------------------------------------------------------

# Every plain spelling reported by ``profane_words`` (words are looked up whole).
PROFANE_WORDS: tuple[str, ...] = (
    "fuck", "fucks", "fucked", "fucker", "fuckers", "fucking", "fuckin", "fuckface", "fuckwit",
    "fuckwits", "fuckhead", "fuckheads", "fucktard", "fuckoff", "fuckup", "fuckups",
    "motherfucker", "motherfuckers", "motherfucking", "muthafucka", "fuk", "fuks", "fuked",
    "fuker", "fuking", "fukin", "fck", "fcking", "fckin", "fcked", "fuq", "fuqing", "phuck",
    "phucking", "fook", "fooking", "wtf", "stfu", "gtfo", "ffs", "omfg", "fml",
    "shit", "shits", "shitty", "shittier", "shittiest", "shitting", "shitted", "shite",
    "shithead", "shitheads", "shitshow", "shitstorm", "shitload", "shithole", "shitholes",
    "shitbag", "bullshit", "bullshitting", "horseshit", "dipshit", "dipshits", "chickenshit",
    "batshit", "shyt", "ass", "asses", "asshole", "assholes", "asshat", "asshats", "asswipe",
    "dumbass", "dumbasses", "jackass", "jackasses", "smartass", "badass", "lazyass", "fatass",
    "assed", "arse", "arses", "arsehole", "arseholes", "arsed", "bitch", "bitches", "bitchy",
    "bitching", "bitchin", "bitched", "sonofabitch", "bastard", "bastards", "bollocks",
    "wanker", "wankers", "wank", "twat", "twats", "tosser", "tossers", "prick", "pricks",
    "piss", "pissed", "pisses", "pissing", "pisser", "pissy", "crap", "craps", "crappy",
    "crappier", "crappiest", "damn", "damned", "damnit", "dammit", "goddamn", "goddamned",
    "goddamnit", "cunt", "cunts", "dickhead", "dickheads", "dicks", "dickwad", "cocksucker",
    "cocksuckers", "douche", "douches", "douchebag", "douchebags", "slut", "sluts", "slutty",
    "whore", "whores", "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "imbecile",
    "imbeciles", "cretin", "cretins", "scumbag", "scumbags", "retard", "retards", "retarded",
    "nigger", "niggers", "nigga", "niggas", "niggaz", "fag", "fags", "faggot", "faggots",
    "tranny", "trannies", "spic", "spics", "kike", "kikes", "wetback", "wetbacks", "paki",
    "pakis", "gook", "gooks", "raghead", "ragheads", "towelhead", "towelheads",
)  # fmt: skip
# The ones that swear *at* someone when followed by "you", "off", "yourself".
FUCK_WORDS: tuple[str, ...] = tuple(
    w for w in PROFANE_WORDS if ("f" in w and "k" in w) or w in ("fuq", "fuqing")
)
# Spellings disguised with symbols or digits: "f*ck", "sh!t", "$hit", "a$$", "b1tch", "f***".
FUCK_HEADS = (r"f(?:u[c*]?k|\*+c?k|\*{2,}|[@#!]ck|ck|uq|ook)", "phuck")
FUCK_RE = r"(?:mother|motha|muther)?(?:" + "|".join(FUCK_HEADS) + ")"
OBFUSCATED_RE: tuple[str, ...] = (
    FUCK_RE + r"(?:ing|in'?|ed|er|ers|s|face|wit|head|tard|off|up)?",
    r"(?:bull|horse|dip)?(?:sh[!1*]|\$h[i!1*])t[a-z]*", r"(?:a\$\$|@ss|a\*\*)(?:hole|holes)?",
    r"b[!1*]tch(?:es|y|ing|in)?", r"c\*nts?", r"d[!1*]ck(?:s|head|heads)?",
    r"n[1!*]gg(?:er|a|ers|as|az)",
    r"[a-z]{1,3}\*+[a-z]{1,6}", r"[a-z]{1,3}\*{2,}",  # any censored word: "b*tch", "s**t"
)  # fmt: skip
# What the disguised spellings leave when split at the symbols ("sh!t" → "sh", "t"); with a
# "*" or "$" in the text, these decide whether the regex above runs at all.
OBFUSCATED_PIECES: tuple[str, ...] = ("f", "sh", "ck", "tch", "ss", "b", "d", "n", "phuck")

# ---- urgency ----------------------------------------------------------------------------

# Someone may get hurt: always urgent. A device smoking ("the charger started smoking") is
# found by ``danger_words``, whose finds are urgent too; "is smoking" alone is also a deal
# ("smoking hot") or a person ("I started smoking again").
SAFETY: tuple[str, ...] = (
    "caught fire", "catch fire", "catches fire", "catching fire", "set on fire",
    "burst into flames", "went up in flames", "in flames", "flames", "fire hazard",
    "fire alarm", "fire department", "fire brigade", "firefighters", "house fire",
    "electrical fire", "kitchen fire", "started a fire", "fire broke out", "fire in the",
    "fire at the", "fire at your", "open fire", "smoke coming", "smoke came", "smoke pouring",
    "smoke everywhere", "full of smoke", "filled with smoke", "smoke from", "smoke alarm",
    "smoke detector", "billowing smoke", "smells like smoke", "smell of smoke", "burning smell",
    "smell of burning", "smells like burning", "smelled burning", "burnt smell",
    "burning plastic", "sparking", "sparks flying", "sparks came", "sparks coming",
    "sparks from", "threw sparks",
    "it exploded", "battery exploded", "phone exploded", "exploded in my", "exploded on me",
    "explosion at", "explosion in", "an explosion", "electric shock", "electrocuted",
    "got shocked", "got a shock",
    "gave me a shock", "injured", "injury", "injuries", "hurt myself", "got hurt", "was hurt",
    "cut myself", "bleeding", "burned my", "burnt my", "burns on", "hospital", "hospitalized",
    "hospitalised", "emergency room", "urgent care", "ambulance", "paramedics", "call 911",
    "called 911", "calling 911", "dial 911", "call 999", "called 999",
    "food poisoning", "poisoned", "poisoning", "made me sick", "made us sick", "vomiting",
    "threw up", "throwing up", "diarrhea", "diarrhoea", "allergic reaction", "anaphylactic",
    "anaphylaxis", "epipen", "epi pen", "gas leak", "smell of gas", "smells like gas",
    "smelled gas", "smell gas", "carbon monoxide", "choking hazard", "choked on",
    "started choking", "was choking", "glass in", "piece of glass", "metal in my", "unsafe",
    "safety hazard",
)  # fmt: skip
SAFETY_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"got sick(?! (?:of|and tired))", ("sick",)),
    (r"a&e", ("e",)),
)
# Stuck without shelter, heat, water or power: always urgent.
STRANDED: tuple[str, ...] = (
    "stranded", "locked out", "stuck in the airport", "stuck at the airport",
    "stuck in the lift", "stuck in the elevator", "stuck in an elevator", "stuck in a lift",
    "trapped inside", "trapped in the lift", "trapped in the elevator", "trapped in my car",
    "trapped in the car", "no heat", "no heating", "no hot water", "no water", "no running water",
    "no power", "no electricity", "power outage", "power cut", "without power", "without heat",
    "without heating", "without water", "without electricity", "no ac", "no a/c",
    "no air conditioning", "nowhere to sleep", "no way to get home", "can't get home",
    "cannot get home", "missed my connection",
)  # fmt: skip
# Lawyers, regulators, the press: always urgent.
LEGAL: tuple[str, ...] = (
    "lawyer", "lawyers", "attorney", "solicitor", "legal action", "take legal", "lawsuit",
    "sue you", "sue them", "sue your", "sue the", "will sue", "gonna sue", "going to sue",
    "i'll sue", "suing", "small claims", "class action", "chargeback", "charge back",
    "dispute the charge", "dispute with my bank", "bbb", "better business bureau",
    "ombudsman", "consumer court", "consumer forum", "consumer protection",
    "trading standards", "ftc", "fcc", "cfpb", "attorney general", "report you to",
    "reporting you to", "regulator", "ofcom", "ofgem", "ofwat", "watchdog",
    "going to the press", "go to the press", "going to the media", "go to the media",
    "contact the media", "contacting the media", "tell the press", "local news",
    "journalist", "reporter",
    # Hinglish
    "vakil", "police complaint", "police me complaint", "police mein complaint",
    "case karunga", "case kar dunga", "court jaunga", "kanooni karyawahi", "kanuni karwai",
)  # fmt: skip
# Time pressure that is urgent wherever it is said.
URGENT: tuple[str, ...] = (
    "urgent", "urgently", "asap", "emergency", "as soon as possible",
    # Hinglish
    "jald se jald", "jaldi se jaldi",
)  # fmt: skip
# Time pressure that only matters inside a complaint ("great show tonight!" can wait).
TIME_PRESSURE: tuple[str, ...] = (
    "right now", "immediately", "today", "tonight", "my flight", "our flight", "flight leaves",
    "leaving in", "leaves in", "departs in", "boarding", "check-in closes", "in an hour",
    "in half an hour", "within the hour", "by tomorrow", "by tonight", "before tomorrow",
    "deadline", "time sensitive", "time-sensitive", "running out of time", "need it now",
    "my wedding", "funeral",
    # Hinglish
    "turant", "fauran", "aaj hi", "aaj raat", "kal tak", "abhi chahiye", "meri flight",
    "meri shaadi",
)  # fmt: skip
_UNITS = ("hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins")
TIME_PRESSURE_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"in \d{1,2} ?(?:hours?|hrs?|minutes?|mins?)", _UNITS),
    (r"in (?:a few|two|three|ten|twenty|thirty) (?:hours|minutes|mins)", _UNITS),
)
