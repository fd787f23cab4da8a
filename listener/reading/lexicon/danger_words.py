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
    "smell of gas", "smells like gas", "smelled gas", "carbon monoxide",
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
)  # fmt: skip
DANGER_MEDICAL: tuple[str, ...] = (
    "had a seizure", "having a seizure", "had a heart attack", "knocked unconscious",
    "was unconscious", "fell unconscious", "couldn't breathe", "could not breathe",
    "struggling to breathe", "difficulty breathing", "trouble breathing", "wrong medication",
    "wrong medicine", "wrong dose", "wrong dosage",
    "asthma attack", "went into shock", "medical emergency", "needs a doctor",
)  # fmt: skip
DANGER_CHILD: tuple[str, ...] = (
    "baby swallowed", "child swallowed", "kid swallowed", "son swallowed", "daughter swallowed",
    "toddler swallowed", "button battery", "strangulation", "suffocation", "car seat failed",
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
DANGER_RE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"injured(?! (?:reserve|list))", ("injured",)),  # not a team's injured reserve
    (
        r"(?:got|were|was|are|am) sick (?:after|from) (?:eating|drinking|your|the|their|our|my)",
        ("sick",),
    ),
)
