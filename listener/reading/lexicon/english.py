"""English cue phrases: what complaints, feelings and topics sound like.

Written for this project from customer-service experience and the complaint literature
(breach of expectation, waiting, money back, broken things, having to ask again), not
derived from any labelled dataset. Phrases are lowercase whole words; a trailing ``*``
matches any ending. See ``listener.judging.cues`` for the matching rules.
"""

from __future__ import annotations

# Word lists read better many to a line than one per line:
# fmt: off

# ---- complaint features ----------------------------------------------------------------

# Discrimination and harassment described without naming them: what was said or done to the
# person, pinned to "me"/"my" so ordinary text ("go back to the store", "hitting the gym",
# "texting my friend") does not fire. Both the complaint and topic lists read it.
DISCRIMINATION_DESCRIBED: tuple[str, ...] = (
    "go back to my own country", "go back to my country", "go back to your own country",
    "go back to your country", "go back where i came from", "go back to where i came from",
    "go back where you came from", "go back to where you came from",
    "laughed at my wheelchair", "mocked my wheelchair", "made fun of my wheelchair",
    "laughed at my disability", "mocked my disability", "made fun of my disability",
    "laughed at my accent", "mocked my accent", "made fun of my accent",
    "because im disabled", "because im in a wheelchair", "because of my wheelchair",
    "because of my accent", "because of my hijab", "because im muslim", "because im trans",
    "because im a woman", "hitting on me", "hit on me", "made a pass at me",
    "texting my personal number", "texted my personal number", "messaging my personal number",
    "touched me inappropriately", "touched me without", "inappropriate comments about my",
    "followed me home", "kept staring at my chest",
)  # fmt: skip
# The discrimination cue family and topic read the same words (the judge puts the topic first
# after safety; drafts and severity meet it gravely).
DISCRIMINATION_WORDS: tuple[str, ...] = (
    "racism", "racist", "racists", "racial slur", "racial slurs", "racial abuse",
    "racially", "racial profiling", "slur", "slurs", "discriminat*", "sexism", "sexist",
    "homophob*", "transphob*", "xenophob*", "islamophob*", "antisemit*", "misogyn*",
    "bigot*", "harass*", "sexually harass*", "groped", "n word", "because im black",
    "because of my race", "because of my skin", "because of my religion", "because im gay",
    "because of my disability", "ableist", *DISCRIMINATION_DESCRIBED,
)  # fmt: skip

COMPLAINT_CUES: dict[str, tuple[str, ...]] = {
    # Something that should work does not: the most common complaint of all.
    "problem": (
        "not working", "isn't working", "is not working", "stopped working", "doesn't work",
        "does not work", "didn't work", "won't work", "not work", "won't load", "won't open",
        "won't turn on", "won't start", "won't let me", "will not let me", "can't", "cannot",
        "can not", "unable to", "not able to", "couldn't", "won't", "keeps crashing", "crash*",
        "freez*", "frozen", "stuck", "outage", "is down", "went down", "service down",
        "no signal", "no internet", "no service", "no power", "no wifi", "no connection",
        "lost connection", "disconnect*", "error", "errors", "glitch*", "bug", "bugs", "buggy",
        "issue", "issues", "problem", "problems", "fail", "fails", "failed", "failing",
        "failure", "not loading", "not responding", "unresponsive", "lagging", "keeps dropping",
        "dropped", "missing", "lost", "wrong", "incorrect", "never got", "never received",
        "didn't get", "haven't got", "haven't received", "have not received", "not received",
        "no reply", "no response", "no answer", "no one", "nobody", "still no", "can't log in",
        "locked out", "declined", "overcharged", "double charged", "charged twice",
        "nothing works", "not powering on", "wont power on", "stays off",
        "charged me twice", "charging me twice", "charge me twice", "have got nothing",
        "got nothing", "received nothing", "nothing arrived", "nothing came",
),
    # Asking where an order, a parcel or a refund is: the customer is owed something.
    "whereabouts": (
        "where is my", "wheres my", "where are my", "where is our", "wheres our",
        "where is the order", "where is it", "what happened to my", "whats happened to my",
        "no sign of", "not turned up", "hasnt turned up", "havent turned up", "never turned up",
        "never came", "never showed", "not yet received", "didnt receive", "didnt arrive",
        "not here yet",
),
    # A promise or a norm broken: what makes a problem a grievance.
    "expectation": (
        "supposed to", "was told", "were told", "promised", "should have", "should've",
        "should be", "was meant to", "expected", "expect better", "expected better",
        "smh", "#smh", "lacks", "uncooperative", "unacceptable", "ridiculous", "disgrace*",
        "joke", "pathetic", "shocking", "appalling",
        "terrible", "horrible", "awful", "worst", "useless", "poor", "rubbish", "garbage",
        "trash", "not good enough", "not okay", "not ok", "not acceptable", "how is it",
        "how is this", "how come", "why is", "why are", "why do", "why does", "why did",
        "why can't", "why won't", "why isn't", "why has", "why have", "what happened",
        "what's going on", "what is going on", "no excuse", "never again", "last time",
        "used to be", "used to work", "disappointed", "disappointing", "let down", "fed up",
        "sick of", "tired of", "annoyed", "annoying", "frustrat*", "angry", "furious",
        "not happy", "unhappy", "complain*", "complaint", "unfair", "misleading", "lied",
        "liar*", "scam*", "rip off", "ripoff", "ripped off", "con", "daylight robbery",
        "let me down", "letting me down", "lets me down", "mistreat*", "stinks", "sucks",
        "disappoint*", "shady", "absolute joke", "not impressed", "unimpressed", "absurd",
        "worse", "worse than", "you suck", "suck", "lies", "wtf", "regret*", "as usual",
),
    "delay": (
        "waiting", "waited", "wait", "still waiting", "been waiting", "on hold", "hold for",
        "late", "delayed", "delay", "delays", "overdue", "hours", "days", "weeks", "months",
        "since yesterday", "since last", "since this morning", "all day", "yet to", "still not",
        "still haven't", "still hasn't", "still no", "how long", "when will", "taking forever",
        "takes forever", "took forever", "forever", "ages", "slow", "slowest", "no show",
        "didn't show", "didn't turn up", "never arrived", "not arrived", "hasn't arrived",
        "hasn't come", "not delivered", "never delivered", "cancelled", "canceled", "missed",
),
    "refund": (
        "refund*", "money back", "my money", "reimburs*", "return", "returned", "returning",
        "cancel", "cancelled my", "canceled my", "cancellation", "cancel my", "chargeback",
        "compensation", "compensate", "credit back", "charged", "charge", "overcharged",
        "billed", "bill", "fee", "fees",
),
    "defect": (
        "broken", "broke", "breaks", "falling apart", "fell apart", "nasty", "damaged",
        "damage", "defect*", "faulty", "cracked",
        "smashed", "leak*", "torn", "ripped", "dead", "died", "stopped", "malfunction*",
        "doesn't fit", "wrong size", "wrong item", "wrong order", "missing item*", "expired",
        "stale", "cold food", "raw", "undercooked", "mouldy", "moldy", "dirty", "filthy",
        "disgusting", "inaccurate", "fake", "counterfeit",
),
    # Having to ask again: the strongest sign that a person needs a human answer.
    "repeat": (
        # "still" alone is no repeat ("I'm still shaking", "still love it"): only still
        # waiting for, or still living with, a problem.
        "still waiting", "still no", "still not", "still nothing", "still broken",
        "still havent", "still hasnt", "still doesnt", "still dont", "still cant",
        "still wont", "still isnt", "still didnt", "still having", "still getting",
        "still charging", "still charged", "still stuck", "still missing", "still down",
        "still on hold", "still the same", "still same", "still no sign", "still unable",
        "still need", "still never", "still get", "still got", "still only", "still messed",
        "still working on", "still trying",
        "again", "yet again", "once again", "second time", "third time", "fourth time",
        "2nd time", "3rd time", "4th time", "every time", "each time", "multiple times",
        "several times", "many times", "numerous times", "countless", "keep getting", "keeps",
        "keep", "constantly", "always", "for the last", "repeatedly", "same problem",
        "same issue", "same thing", "called twice", "times now",
),
    # Discrimination and harassment, by staff or on the brand's ground: a grave complaint.
    "discrimination": DISCRIMINATION_WORDS,
    "service": (
        "customer service", "customer care", "customer support", "support team", "helpline",
        "call centre", "call center", "your agent", "your staff", "your rep", "rude",
        "unhelpful", "no help", "hung up", "hang up", "hangs up", "hanging up", "transferred",
        "chatbot",
        "nobody answers", "no one answers", "ignored", "ignoring", "ghosted", "not responding",
        "no reply", "no response", "dm'd", "dmed", "emailed", "called", "phoned", "contacted",
),
    # Asking the brand to act: not a complaint alone, but one when the rest is negative.
    "request": (
        "please reply", "reply", "answer your", "bring back", "any updates", "check your dm",
        "please help", "help me", "help please", "can you help", "could you help", "can you",
        "could you", "can someone", "anyone", "fix this", "fix it", "sort this", "sort it",
        "sort out", "resolve", "need help", "need to speak", "need an answer", "any update",
        "any news", "respond", "get back to me", "dm me", "help", "assist", "assistance",
),
    # "Can't wait to fly": eagerness, not a failure; its "can't" and "wait" are not cues.
    "anticipation": (
        "cant wait", "cannot wait", "can not wait", "couldnt wait", "looking forward",
),
    # "Can't wait any longer": impatience, which keeps "can't" and "wait" as cues.
    "impatience": (
        "cant wait any longer", "cant wait anymore", "cant wait much longer",
        "cannot wait any longer", "cannot wait anymore", "can not wait any longer",
        "cant keep waiting", "cant wait forever",
),
    # A problem said to be absent or over ("no complaints", "never had a single problem",
    # "problem solved"): its problem word is no cue, and the post leans away from a complaint.
    "no_problem": (
        *(f"{head} {noun}"
        for head in (
            "no", "zero", "not a", "not a single", "not one", "not any", "never a",
            "never had a", "never had any", "never had a single", "never had one", "never any",
            "never have a", "never have any", "never had", "havent had a", "havent had any",
            "hasnt had any", "didnt have a", "didnt have any", "dont have any", "without a",
            "without any", "without",
        )
        for noun in (
            "problem", "problems", "issue", "issues", "complaint", "complaints", "trouble",
            "troubles", "hiccup", "hiccups", "glitch", "glitches",
        )),
        "problem solved", "problem fixed", "problem resolved", "issue solved", "issue fixed",
        "issue resolved", "issues resolved", "all sorted", "sorted now", "fixed now",
),
    # A problem put right, quickly ("replaced my cracked anvil in a day", "fixed my broken
    # order in minutes"): with praise, ``tidy_cues`` explains the problem words away.
    "resolved": (
        *(f"{verb} {obj}"
        for verb in (
            "fixed", "fixing", "sorted", "sorting", "sorted out", "replaced", "replacing",
            "resolved", "resolving", "refunded", "refunding", "repaired",
        )
        for obj in ("my", "it", "the", "our", "everything", "me", "us")),
        "got it working", "got it sorted", "got it fixed", "got it replaced",
),
    "fast": (
        "in a day", "in one day", "in an hour", "in minutes", "in seconds", "in no time",
        "within minutes", "within an hour", "within a day", "within hours", "same day",
        "next day", "right away", "straight away", "quickly", "so quick", "so fast",
        "super fast", "really fast", "promptly", "immediately", "in a flash",
        # "fixed my problem in 5 minutes": a number of minutes or hours is as fast as "minutes".
        *(f"{within} {n} {unit}"
        for within in ("in", "within")
        for n in ("1", "2", "3", "4", "5", "10", "15", "20", "30", "a few", "two", "five", "ten")
        for unit in ("minutes", "mins", "min", "hours", "hrs")),
),
    # What a satisfied customer says: pulls the judgment away from "complaint".
    "praise": (
        "thank you", "thanks", "thank u", "thx", "ty", "love", "loving", "loved", "great",
        "awesome", "amazing", "excellent", "brilliant", "fantastic", "perfect", "best",
        "well done", "good job", "great job", "kudos", "shout out", "shoutout", "appreciate*",
        "happy", "glad", "delighted", "impressed", "recommend", "congrat*", "enjoy*", "yay",
        "wonderful", "beautiful", "cute", "lovely", "favourite", "favorite", "proud",
        "you rock", "rock", "rocks", "rocked", "best ever", "the best", "#great*", "#love*",
        "#best*", "superb", "outstanding", "stellar", "top notch",
),
}

# ---- sarcasm -------------------------------------------------------------------------------

# Praise words said about a bad situation ("Nice work @UPS. Days late AND smashed. Awesome").
SARCASM_PRAISE: tuple[str, ...] = (
    "nice", "nice work", "nice job", "great", "great job", "great work", "great service",
    "awesome", "amazing", "brilliant", "fantastic", "wonderful", "perfect", "lovely", "thanks",
    "thank you", "love", "well done", "good job", "bravo", "impressive", "superb", "stellar",
    "top notch", "excellent", "appreciate it", "really appreciate", "thx", "thank u",
)
# "Thanks for charging me twice": thanks for a harm done is sarcasm whatever else is said.
SARCASM_HARM: tuple[str, ...] = (
    "for charging", "for overcharging", "for double charging", "for cancelling",
    "for canceling", "for losing", "for ruining", "for wasting", "for ignoring", "for breaking",
    "for delaying", "for stranding", "for leaving me", "for making me wait", "for keeping me",
    "for the wait", "for the delay", "for the delays", "for taking my money",
    "for hanging up", "for lying", "for messing up", "for screwing", "for the runaround",
    "for sending me a broken", "for sending me the wrong", "for the broken", "for the wrong",
)
# Phrases that are sarcastic by themselves.
SARCASM_STRONG: tuple[str, ...] = (
    "thanks for nothing", "yeah right", "so much for", "/s", "#sarcasm", "#not",
    "#thanksfornothing", "cheers for that", "just what i needed", "wow just wow",
)
# Phrases that are sarcastic when the post also names a failure ("gotta love" a great show
# is sincere; "gotta love" a three-hour queue is not).
SARCASM_MARKERS: tuple[str, ...] = (
    "thanks for nothing", "thanks a lot", "thanks for that", "yeah right", "just great",
    "just perfect", "just what i needed", "love how", "love that", "love when", "nothing like",
    "wow just wow", "love it when", "gotta love",
    "got to love", "gotta love it", "so much for", "way to go", "as usual", "what a joke",
    "what a surprise", "big surprise", "shocker", "oh great", "oh good", "oh wonderful",
    "oh joy", "how convenient", "how nice", "good one", "real smooth", "#sarcasm", "#not",
    "#fail", "#epicfail", "#thanksfornothing", "cheers for that",
)

# ---- feelings ----------------------------------------------------------------------------

FEELING_CUES: dict[str, tuple[str, ...]] = {
    "frustrated": (
        "frustrat*", "fed up", "sick of", "tired of", "sick and tired", "ugh", "argh",
        "seriously", "ridiculous", "unbelievable", "annoyed", "annoying", "enough is enough",
        "smh", "wtf", "give up", "giving up", "gave up", "pulling my hair", "at my wits end",
        # "still" counts only beside a waiting or problem phrase ("still waiting", "still
        # no"), never alone ("I'm still shaking"): ``feelings.judge_feelings`` checks.
        "again", "yet again", "still", "how many times", "every single time",
        "for the last time", "over and over", "nightmare", "hassle", "headache", "exhausting",
        "exhausted",
),
    "angry": (
        "angry", "furious", "pissed", "pissed off", "livid", "outraged", "outrageous",
        "disgusting", "disgusted", "disgrace*", "unacceptable", "appalling", "hate", "hated",
        "infuriat*", "fuming", "mad", "rage", "scam*", "thieves", "robbery", "shameful",
        "how dare", "never again", "worst", "pathetic", "incompetent", "liar*", "lied",
        # Discrimination is met with anger and hurt, never as mere frustration.
        "racism", "racist", "racial slur", "racial abuse", "discriminat*", "sexist",
        "homophob*", "transphob*", "harass*", "humiliat*", "still shaking",
),
    "disappointed": (
        "disappoint*", "let down", "let me down", "expected better", "expect better", "sad",
        "saddened", "shame", "such a shame", "not impressed", "unimpressed", "underwhelm*",
        "used to be", "used to love", "not what it used to be", "heartbroken", "gutted",
        "bummed", "regret", "not worth", "waste of money", "waste of time", "what a waste",
        "mediocre",
),
    "confused": (
        "confus*", "don't understand", "do not understand", "doesn't make sense",
        "makes no sense", "no idea", "how do i", "how can i", "how do you", "what does",
        "what is this", "unclear", "which one", "not sure", "i'm lost", "puzzled", "baffled",
        "why is", "why does", "what's going on", "what is going on", "what happened",
        # Not "where is (my order)": a whereabouts question asks for a thing owed (the
        # complaint cue "whereabouts"), it is no sign the person is confused.
        "is this normal", "am i missing", "stumped",
),
    "anxious": (
        "worried", "worry", "anxious", "scared", "afraid", "nervous", "stressed", "stressful",
        "panic*", "urgent", "urgently", "asap", "emergency", "desperate*", "please help",
        "stranded", "deadline", "need it today", "need it by", "running out of time",
        "right now", "immediately", "as soon as possible", "can't afford", "my flight",
        "my baby", "my kids", "medication", "hospital",
),
}

# ---- topics ------------------------------------------------------------------------------

TOPIC_CUES: dict[str, tuple[str, ...]] = {
    # The judge puts it first when found (after safety): drafts meet it gravely.
    "discrimination": DISCRIMINATION_WORDS,
    "delivery": (
        "deliver*", "shipping", "shipped", "shipment", "ship", "package", "parcel", "courier",
        "tracking", "tracking number", "track my", "dispatch*", "arrive*", "arrival", "driver",
        "postman", "doorstep", "left at", "order hasn't", "my order", "pick up", "pickup",
        "collection", "in transit", "out for delivery", "lost in the post", "post", "mail",
        "box", "ups", "fedex", "dhl", "usps", "royal mail",
),
    "billing": (
        "refund*", "money back", "charge", "charged", "charges", "overcharged", "bill",
        "billed", "billing", "invoice", "payment", "paid", "pay", "card", "credit card",
        "debit", "direct debit", "transaction", "reimburs*", "chargeback", "receipt",
        "statement", "fee", "fees", "subscription", "renewal", "auto renew", "cancel",
        "cancellation", "compensation", "voucher", "credit",
),
    "product_quality": (
        "broken", "broke", "damaged", "defect*", "faulty", "quality", "cheap", "cheaply made",
        "cracked", "smashed", "leak*", "torn", "ripped", "stopped working", "doesn't work",
        "not working", "fell apart", "falling apart", "battery", "screen", "wrong size",
        "wrong item", "doesn't fit", "expired", "stale", "cold", "raw", "undercooked", "taste*",
        "mouldy", "moldy", "inaccurate", "fake", "counterfeit", "malfunction*",
),
    "support": (
        "customer service", "customer care", "customer support", "support", "helpline",
        "call centre", "call center", "agent", "staff", "employee", "rep", "representative",
        "manager", "rude", "unhelpful", "on hold", "hold", "hung up", "transferred", "chat",
        "live chat", "chatbot", "no reply", "no response", "nobody answers", "service", "store",
        "branch", "cashier", "waiter", "waitress",
),
    "website_app": (
        "app", "apps", "website", "web site", "site", "webpage", "page", "online", "checkout",
        "check out", "cart", "basket", "crash*", "bug", "bugs", "buggy", "glitch*", "error",
        "error message", "update", "updated", "the update", "loading", "won't load", "link",
        "download", "install", "ios", "android", "iphone", "browser", "server", "outage",
        "is down", "offline", "wifi", "internet", "connection", "signal",
),
    "pricing": (
        "price", "prices", "pricing", "priced", "expensive", "overpriced", "cost", "costs",
        "costly", "afford*", "cheaper", "rip off", "ripoff", "price increase", "price hike",
        "raised", "hike", "discount", "deal", "offer", "promo", "coupon", "sale", "value",
        "worth", "daylight robbery",
),
    "account": (
        "account", "login", "log in", "logged in", "logged out", "log on", "sign in", "signin",
        "sign up", "password", "reset", "locked out", "locked", "suspended", "banned",
        "verification", "verify", "verified", "2fa", "two factor", "otp", "code", "username",
        "email address", "hacked", "profile", "id",
),
}
# fmt: on
