"""The word tables ``object_phrase`` reads a post with: which heads are general, which
words qualify a head ("the wrong book"), link it to a problem ("was delayed"), make it a verb
("orders a burger") or a place ("at a local store"), and the whole phrases that name a thing
better than any head. Split from the reading rules so the vocabulary grows apart from them
(as ``heads`` holds the head nouns)."""

from __future__ import annotations

from alerts.drafts.heads import words_set as _set

# Said generally, these name the business rather than a thing: they lose to any other head.
GENERIC = _set(
    "service,customer service,customer care,support,staff,team,store,branch,shop,product,"
    "products,item,items,goods,quality,app,website,site,page,game,software,data,call,calls,"
    "money,account,email,emails,gift,line,platform,code,search,option,setting,settings,"
    "feature,case,top,watch,stay,request,messages,response,reply,seat,seats,rate,policy,"
    "insurance,design,fit,return,returns,cable,collection,power,box,dm,dms"
)
MINE = frozenset({"my", "our", "mine", "ours"})
# What a thing came in: "arrived in the box" is about what was inside. The container is the
# thing only when a problem word qualifies it ("the box was crushed", "damaged packaging").
CONTAINERS = _set("box,boxes,packaging,envelope,wrapping")
CONTAINER_DAMAGE = frozenset({"damaged", "broken", "cracked", "smashed", "crushed", "soaked",
                               "torn", "ripped", "wet", "opened", "open", "dented",
                               # or complained of in itself: "a massive box for one tie"
                               "massive", "huge", "giant", "enormous", "oversized",
                               "excessive", "wasteful", "empty"})  # fmt: skip
# "got the rocket skates instead of the anvil": what came was the wrong item. Read only
# after a word of receiving, so "I'll go to another shop instead of you" names nothing.
RECEIVING = _set("got,received,receive,sent,send,delivered,came,arrived,gave,given,shipped")
# Problem word before a head → the phrase keeps it, in our spelling: "the wrong book".
QUALIFIERS = {
    "wrong": "wrong", "missing": "missing", "lost": "lost", "broken": "broken",
    "damaged": "damaged", "faulty": "faulty", "late": "late", "delayed": "delayed",
    "cancelled": "cancelled", "canceled": "cancelled", "cracked": "cracked",
    "defective": "faulty", "smashed": "damaged", "stolen": "stolen", "cold": "cold",
    "duplicate": "duplicate", "double": "double", "second": "second", "extra": "extra",
    "unexpected": "unexpected", "hidden": "hidden", "incorrect": "incorrect",
    "new": "new", "old": "old", "free": "free", "crushed": "damaged", "soaked": "damaged",
    "torn": "damaged", "ripped": "damaged",
}  # fmt: skip
# Qualifiers that make a thing not the person's own: "the wrong book", "the second charge".
NOT_YOURS = frozenset(
    {"wrong", "missing", "second", "extra", "duplicate", "double", "incorrect", "unexpected",
     "hidden"}
)  # fmt: skip
RECEIVED = frozenset({"delivery", "product_quality", "food"})
# People: named as the person's experience with them, never as a thing.
PEOPLE = _set(
    "staff,agent,manager,employee,engineer,technician,gate agent,crew,driver,courier,"
    "delivery driver,cashier,rep,representative,waiter,waitress,receptionist,guard,pilot,"
    "conductor,security,electrician,plumber,fitter,installer"
)
# Problem word after a head ("my flight was delayed", "parcel never arrived") → qualifier.
AFTER = {
    "delayed": "delayed", "cancelled": "cancelled", "canceled": "cancelled", "lost": "lost",
    "missing": "missing", "broke": "broken", "broken": "broken", "damaged": "damaged",
    "smashed": "damaged", "cracked": "cracked", "stolen": "stolen", "late": "late",
    "crushed": "damaged", "soaked": "damaged", "torn": "damaged", "ripped": "damaged",
}  # fmt: skip
LINKS = _set(
    "is,was,were,are,has,have,been,got,gone,still,now,being,arrived,came,never,just,totally,"
    "completely"
)
# Heads that are verbs too, and the words that make them one ("orders a burger", "to return").
VERBISH = _set(
    "order,orders,return,returns,call,calls,charge,charges,book,ride,stay,top,case,watch,fit,"
    "design,code,rate,update,search,hold,bill,deposit,claim,offer,deal,service,stream,"
    "download,downloads,drink,check-in,support,line,gas,power,data,purchase"
)
SUBJECTS = _set(
    "i,we,you,they,he,she,to,will,would,can,cant,can't,couldn't,didn't,don't,won't,please,"
    "might,may,could,shall,gonna,wanna,never,"
    "just,u,ur,should,must,cannot,not,and,then,'ll,i'll,we'll,it,goes,fully"
)
# Whole phrases that say the thing better than any one head: checked before the heads.
PHRASES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("charged", "twice"), "billing", "the double charge"),
    (("charged", "me", "twice"), "billing", "the double charge"),
    (("charging", "me", "twice"), "billing", "the double charge"),
    (("double", "charged"), "billing", "the double charge"),
    (("charged", "two", "times"), "billing", "the double charge"),
    (("on", "hold"), "support", "the wait on hold"),
    (("hung", "up"), "support", "the call that was cut off"),
    (("power", "cut"), "power", "the power cut"),
    (("no", "power"), "power", "the power cut"),
    (("no", "water"), "power", "the water supply"),
    (("no", "reply"), "support", "the reply you're still waiting for"),
    (("no", "response"), "support", "the reply you're still waiting for"),
    (("heard", "back"), "support", "the reply you're still waiting for"),
    (("hear", "back"), "support", "the reply you're still waiting for"),
    (("heard", "anything"), "support", "the reply you're still waiting for"),
    (("heard", "nothing"), "support", "the reply you're still waiting for"),
    (("got", "back", "to"), "support", "the reply you're still waiting for"),
    (("call", "back"), "support", "the call back you're owed"),
    (("money", "back"), "billing", "your refund"),
    (("log", "in"), "account", "signing in"),
    (("log", "into"), "account", "signing in"),
    (("logging", "in"), "account", "signing in"),
    (("sign", "in"), "account", "signing in"),
    (("signing", "in"), "account", "signing in"),
    (("logged", "out"), "account", "being logged out"),
    (("logging", "me", "out"), "account", "being logged out"),
)
# Said without a head noun ("we are 3 hours delayed", "not connecting"): the thing these
# words stand for, taken only when the post names no head noun at all.
STANDALONE = {
    "delayed": ("travel", "the delay"), "delay": ("travel", "the delay"),
    "delays": ("travel", "the delays"), "late": ("travel", "the delay"),
    "connecting": ("connection", "the connection"), "connect": ("connection", "the connection"),
    "mistreated": ("support", "the way you were treated"),
    "spam": ("website_app", "the spam"), "spamming": ("website_app", "the spam"),
    "print": ("product_quality", "the printing"), "printing": ("product_quality", "the printing"),
    "scan": ("product_quality", "the scanning"), "scanning": ("product_quality", "the scanning"),
    "overcharged": ("billing", "the overcharge"), "charged": ("billing", "the charge"),
    "crashes": ("website_app", "the crashes"), "crashing": ("website_app", "the crashes"),
    "crashed": ("website_app", "the crash"), "outs": ("power", "the outages"),
    "ignoring": ("support", "the reply you're still waiting for"),
    "ignored": ("support", "the reply you're still waiting for"),
    "dispatched": ("delivery", "your delivery"), "shipped": ("delivery", "your delivery"),
    "undelivered": ("delivery", "your delivery"),
}  # fmt: skip
# Phrases about how the complaint was handled (a reply not sent, a wait on hold) are the
# thing only when nothing else is named: "no response so far" about a swapped phone case
# is about the phone case.
HANDLING = frozenset({"support"})
HANDLING_SCORE = 3  # below any specific head (4), above a general one (0)
# A head in a phrase of place or source ("at a local store", "in train 16127", "from TV")
# says where or how, not what went wrong: it is never the thing named.
PLACE = _set("in,at,from,near,through,outside,inside,around,across")
DETERMINERS = _set("the,a,an,my,our,your,this,that,his,her,their,some")
# A head pointed at rather than complained about: "see attached email", "screenshot below".
POINTERS = _set("attached,attach,attaching,enclosed,see,forwarded,following")
# A problem word before a general head makes it the complaint: "terrible service".
EVALUATIVE = _set(
    "bad,poor,terrible,awful,horrible,disappointing,appalling,shocking,rubbish,worst,rude,"
    "slow,useless,pathetic,disgusting,atrocious,dreadful,unacceptable,lousy,crap,shit"
)
# Heads that are the handling of a complaint rather than its subject: "no reply", "my DM".
HANDLED = _set("reply,response,dm,call,callback,call back,messages,tweets,email,complaint,update")
MISSING_SCORE = 6  # "no refund", "no signal": beats a head the person owns
PHRASE_SCORE = 7  # a whole phrase beats a plain head (4) and ties with one the person owns


# How a head is written in a draft, where lowercase would read wrong.
DISPLAY = {
    "dm": "DM", "dms": "DMs", "4g": "4G", "5g": "5G", "tv": "TV", "wifi": "WiFi",
    "wi-fi": "WiFi", "dvr": "DVR", "tshirt": "T-shirt",
    "t-shirt": "T-shirt", "hold": "wait on hold", "login": "login",
    "2fa": "2FA",
}  # fmt: skip
