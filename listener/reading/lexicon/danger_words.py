"""Word lists for the danger judge: harm to someone, reported (``judging.danger``).

Written for this project from general customer-care and safety experience; nothing is
derived from any labelled dataset. Matched as ``signals_words``' lists are (whole words, an
apostrophe optional; each ``*_RE`` fragment with the plain words one of which it needs).
A post these find is made a complaint about safety with high urgency, so they lean harder
towards precision than ``signals_words.SAFETY``, which only raises urgency.
"""

from __future__ import annotations

# ``signals_words.SAFETY``'s words that are also figurative or about no harm are left out:
# "hospital" (a nurse's thanks), "injury" (injury time), "in flames", "bleeding" (bleeding
# money), "sparking" (sparking joy), "sparks flying", "an explosion" (of flavour), "got a
# shock" (at the price), "made me sick", "was hurt" (by your reply), "is smoking", "smoke
# alarm", "locked out" (of an account), "no power". Figurative fire, smoke and killing never
# appear: "this album is fire", "smoking deal", "sick beat", "burning question", "killing it".
DANGER_FIRE: tuple[str, ...] = (
    "caught fire", "catch fire", "catches fire", "catching fire", "set on fire",
    "burst into flames", "went up in flames", "fire hazard", "house fire", "electrical fire",
    "kitchen fire", "started a fire", "fire broke out", "called the fire", "call the fire",
    "smoke coming", "smoke came", "smoke pouring", "smoke everywhere", "full of smoke",
    "filled with smoke", "smoke from", "billowing smoke", "smells like smoke", "smell of smoke",
    "burning smell", "smell of burning", "smells like burning", "smelled burning",
    "burnt smell", "burning plastic", "sparks came", "sparks coming", "sparks from",
    "threw sparks", "it exploded", "battery exploded", "phone exploded", "exploded in my",
    "exploded on me", "explosion at", "charger melted", "plug melted", "cable melted",
    "socket melted", "battery melted", "electric shock", "electrocuted", "gas leak",
    "smell of gas", "smells like gas", "smelled gas", "carbon monoxide", "scorch marks",
    "burn marks", "scorched the",
)  # fmt: skip
DANGER_HARM: tuple[str, ...] = (
    "burned my", "burnt my", "burned his", "burnt his", "burned her", "burnt her",
    "burned our", "burned me", "burnt me", "burns on", "scalded", "blistered",
    "degree burn", "degree burns", "injuries", "an injury", "serious injury",
    "hurt myself", "cut myself", "cut my hand", "cut my finger", "broke my arm",
    "broke my leg", "broke my wrist", "broken bone", "fractured", "concussion",
    "needed stitches", "got stitches", "slipped and fell", "tripped and fell",
    "was bleeding", "started bleeding", "bleeding from", "hospitalized", "hospitalised",
    "ended up in hospital", "ended up in the hospital", "ended up in the er",
    "rushed to hospital", "rushed to the hospital", "taken to hospital",
    "taken to the hospital", "emergency room", "ambulance", "paramedics",
    "call 911", "called 911", "calling 911", "dial 911", "call 999", "called 999",
)  # fmt: skip
DANGER_POISON: tuple[str, ...] = (
    "food poisoning", "got poisoned", "was poisoned", "were poisoned", "monoxide poisoning",
    "threw up", "throwing up", "vomiting",
    "diarrhea", "diarrhoea", "allergic reaction", "anaphylactic", "anaphylaxis", "epipen",
    "epi pen", "choking hazard", "choked on", "started choking", "was choking",
    "piece of glass", "glass in my", "metal in my", "unsafe", "safety hazard",
    "toxic fumes", "toxic smoke",
)  # fmt: skip
DANGER_MEDICAL: tuple[str, ...] = (
    "had a seizure", "having a seizure", "had a heart attack", "knocked unconscious",
    "was unconscious", "fell unconscious", "couldn't breathe", "could not breathe",
    "struggling to breathe", "difficulty breathing", "trouble breathing", "wrong medication",
    "wrong medicine", "wrong dose", "wrong dosage",
    "asthma attack", "went into shock", "medical emergency", "needs a doctor",
)  # fmt: skip
DANGER_CHILD: tuple[str, ...] = (
    "button battery", "strangulation", "suffocation", "car seat failed",
    "car seat broke", "crib collapsed", "cot collapsed", "lost my child", "lost my son",
    "lost my daughter", "missing child", "child is missing", "kid is missing",
)  # fmt: skip
# Stuck without help, in person (an account "locked out" is not stranded).
DANGER_STRANDED: tuple[str, ...] = (
    "stranded", "stuck at the airport", "stuck in the airport", "stuck in the lift",
    "stuck in the elevator", "stuck in an elevator", "stuck in a lift", "trapped inside",
    "trapped in the lift", "trapped in the elevator", "trapped in my car", "trapped in the car",
    "nowhere to sleep", "no way to get home",
)  # fmt: skip
# Things that smoke, spark, melt or swell when they fail dangerously; "it" only smokes or
# sparks (chocolate melts too).
_DEVICES = (
    "battery", "batteries", "charger", "chargers", "charging cable", "cable", "cord", "plug",
    "adapter", "adaptor", "socket", "outlet", "power bank", "powerbank", "phone", "iphone",
    "laptop", "macbook", "tablet", "ipad", "console", "controller", "tv", "telly", "monitor",
    "fridge", "freezer", "oven", "microwave", "toaster", "kettle", "heater", "radiator",
    "boiler", "dryer", "tumble dryer", "washer", "washing machine", "dishwasher", "stove",
    "hob", "cooker", "fryer", "air fryer", "blender", "iron", "hairdryer", "hair dryer",
    "straightener", "straighteners", "lamp", "bulb", "fan", "scooter", "ebike", "e-bike",
    "hoverboard", "toy", "remote", "speaker", "headphones", "earbuds", "car", "engine",
    "motor", "wiring", "wires", "fuse box", "extension lead", "extension cord",
)  # fmt: skip
_DEVICE = "(?:" + "|".join(sorted(_DEVICES, key=len, reverse=True)) + ")"
_GAP = r"(?:'s)? (?:[^\s.!?,;]+ ){0,4}?"  # "battery swelled up and started smoking"
DANGER_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"injured(?! (?:reserve|list))", ("injured",)),  # not a team's injured reserve
    (  # not "my daughter swallowed her pride"
        r"(?:baby|child|kid|son|daughter|toddler) swallowed(?! (?:his|her|their|my|our) pride)",
        ("swallowed",),
    ),
    (
        r"(?:got|were|was|are|am) sick (?:after|from) (?:eating|drinking|your|the|their|our|my)",
        ("sick",),
    ),
    # A device smoking, not a person ("I started smoking again") or a deal ("smoking hot").
    (
        r"(?:" + _DEVICE + "|it)" + _GAP + r"(?:started|starts|starting|began|begun|was|is"
        r"|were|are|been|kept|keeps|now) smoking(?! (?:hot|deals?|prices?|fast|good|gun|weed"
        r"|pot|again|cigarettes|section|area|room|jacket)(?!\w))",
        ("smoking",),
    ),
    # A swollen battery can burst into flames: "battery is bulging", "swollen battery".
    (
        r"batter(?:y|ies)(?! life)" + _GAP + r"(?:(?:started|starting|began|begun) to swell|swells"
        r"|swelled|swollen|swelling|bulging|bulged|bulges|puffed up|puffing up|ballooned)"
        r"|(?:swollen|swelled|swelling|bulging|bulged|puffed up|puffy) (?:(?:phone|laptop"
        r"|lithium|li-ion|lipo) )?batter(?:y|ies)"
        r"|(?:phone|iphone|laptop|macbook|tablet|ipad|power bank|powerbank)" + _GAP
        + r"(?:swollen|swelled|swelling|bulging|bulged|puffed up)",
        ("swell", "swells", "swelled", "swollen", "swelling", "bulging", "bulged", "bulges",
         "puffed", "puffing", "puffy", "ballooned"),
    ),
    # "the plug has melted", "melted a hole in the carpet" (not "it melted", "melted my heart").
    (
        _DEVICE + _GAP + r"(?:melted|melting|started to melt|began to melt)"
        r"(?! (?:my|our|your|his|her) hearts?)|melted (?:a hole|through the|the (?:socket|plug"
        r"|outlet|wall|carpet|cable|wires?))",
        ("melted", "melting", "melt"),
    ),
    # "sparks flew out of the socket", "the charger is sparking" (not "sparked a debate").
    (
        r"sparks (?:flew|flying|shot|shooting|came|coming|burst|bursting|started|everywhere)"
        r"(?: out)?(?: of| from| off)?(?! between| in (?:the|my|our|their) (?:heart|eyes))"
        r"|(?:" + _DEVICE + "|it)" + _GAP + r"(?:sparked|sparking|started sparking|threw sparks"
        r"|shot sparks)(?! (?:a|an|the|my|our|joy|interest|debates?|conversations?"
        r"|controversy|outrage|ideas?|memories)(?!\w))",
        ("sparks", "sparked", "sparking"),
    ),
    # Overheating that did harm (an overheated laptop alone is a fault, not a danger).
    (
        r"overheat(?:ed|ing|s)? (?:and|then|&|until it|so much (?:that )?it) (?:burned|burnt"
        r"|burning|caught fire|melted|exploded|started smoking|smoked|sparked|scorched)"
        r"|(?:got|gets|getting|became|was|is) so hot (?:that )?it (?:burned|burnt|melted"
        r"|scorched)",
        ("overheated", "overheating", "overheat", "overheats", "hot"),
    ),
)  # fmt: skip
# With a child in the post ("my son", "our baby"), these are a child at risk: alone they are
# too often about no harm ("cut her hair", "swallowed my pride", "a sharp edge to the design").
CHILD_WORDS: tuple[str, ...] = (
    "child", "children", "kid", "kids", "baby", "babies", "toddler", "toddlers", "son",
    "sons", "daughter", "daughters", "infant", "newborn", "grandson", "granddaughter",
    "niece", "nephew",
)  # fmt: skip
DANGER_CHILD_AT_RISK: tuple[str, ...] = (
    "choked", "choking", "gagging", "badly hurt", "seriously hurt", "hurt himself",
    "hurt herself",
    "cut himself", "cut herself", "cut his finger", "cut her finger", "cut his hand",
    "cut her hand", "cut his lip", "cut her lip", "cut his face", "cut her face",
    "burned himself", "burned herself", "burnt himself", "burnt herself", "sharp edges",
    "small parts", "came off in his mouth", "came off in her mouth", "lead paint",
    "poisonous", "broke out in a rash", "gave him a rash", "gave her a rash",
    "trapped his fingers", "trapped her fingers", "trapped his finger", "trapped her finger",
    "tipped over on",
)  # fmt: skip
DANGER_CHILD_AT_RISK_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Hurt in body: "my son got hurt on the slide" (not "was hurt by your comments").
    (
        r"got hurt(?! by (?:your|the|their|his|her|those|these|that|this) (?:comments?|words"
        r"|repl(?:y|ies)|response|tweets?|posts?|attitude|tone|remarks?))",
        ("hurt",),
    ),
    (
        r"swallowed (?:a|an|one|part|some|it|the|pieces?|bits?)(?! (?:whole|lot|pride))",
        ("swallowed",),
    ),
    (
        r"could(?: have|'ve| of) (?:died|been killed|choked|been hurt|been seriously hurt)"
        r"(?! (?:of|laughing|happy|from embarrassment))",
        ("died", "killed", "choked", "hurt"),
    ),
)
