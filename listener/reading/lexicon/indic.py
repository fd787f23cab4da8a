"""Complaint and negativity cues for Bengali, Telugu, Hindi and romanised Hindi (Hinglish).

VADER reads only English, so posts in these languages are judged "unknown" sentiment. These
word lists let a complaint in them still reach a person: ``reading.indic_cues.find_cues``
reports which families of cue a post contains — general negativity, delay, refund, defect,
bad service, fraud, repetition — and also praise, so thanks are not taken for a complaint.

What they catch: the common words and short phrases of a customer complaint, in the script's
usual spellings (Hindi with or without nukta and chandrabindu, "नही" for "नहीं", Bengali
"পাই নি" for "পাইনি", Hinglish spelling variants such as "nhi"/"nahin", "vapas"/"wapas").
Bengali, Telugu and Devanagari cues are stems matched anywhere in a word, because those
languages attach case endings and suffixes; Hinglish cues are matched as whole words.

What they do not do: weigh or score anything; handle negation beyond the cue forms themselves
("अच्छा नहीं" is a negative cue, but "अच्छा तो बिल्कुल नहीं" reads as praise); see sarcasm;
read mixed scripts inside one word; or know whether the post is about the brand at all.
Overlapping cues are read left to right, longest first, so in "असंतुष्ट" the negative cue wins
over the positive "संतुष्ट" it contains.

All lists were written for this project from general knowledge of the languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Family = str  # one of FAMILIES

FAMILIES: tuple[Family, ...] = (
    "negative",
    "delay",
    "refund",
    "defect",
    "service",
    "fraud",
    "repeat",
    "positive",
)


def _cues(listing: str) -> tuple[str, ...]:
    # Cues are written comma-separated so a family fits in a few lines instead of one per line.
    return tuple(cue.strip() for cue in listing.split(","))


def _spellings(listing: str) -> tuple[tuple[str, ...], ...]:
    # "word variant variant, word variant, …": the first spelling of each group is the one
    # cues use.
    return tuple(tuple(group.split()) for group in listing.split(","))


_BENGALI: dict[Family, tuple[str, ...]] = {
    # "বাজে" alone is also "it rings / what time is it" (কটা বাজে) and sits inside বাজেট
    # (budget), so it appears only in phrases.
    "negative": _cues(
        "খারাপ, জঘন্য, ফালতু, খুব বাজে, একদম বাজে, বাজে সার্ভিস, বাজে অভিজ্ঞতা, বাজে মানের, "
        "বিরক্ত, রেগে, রাগান্বিত, রাগ হচ্ছে, হতাশ, অসন্তুষ্ট, বিশ্রী, নোংরা, ভয়ানক, ভয়ংকর, "
        "ভয়ঙ্কর, লজ্জাজনক, অভিযোগ, কমপ্লেন, কমপ্লেইন, সমস্যা, ঝামেলা, ভোগান্তি, অসহ্য, ঘৃণা, "
        "ঘৃণ্য, ভালো না, ভাল না, ভালো নয়, ভাল নয়, ভালো লাগেনি, ভাল লাগেনি, পছন্দ হয়নি, "
        "খুশি না, খুশি নই, দুঃখজনক, অপদার্থ, অযোগ্য, ওয়ার্স্ট, সময় নষ্ট, টাকা নষ্ট"
    ),
    # "লেট" alone hides in চকলেট, প্লেট, টয়লেট; "অপেক্ষা" in অপেক্ষাকৃত ("relatively").
    "delay": _cues(
        "দেরি, দেরী, বিলম্ব, অনেক লেট, লেট হচ্ছে, লেট হয়েছে, লেট ডেলিভারি, লেট করে, পাইনি, "
        "পেলাম না, পাচ্ছি না, এখনো, এখনও, আসেনি, আসলো না, এলো না, আসছে না, ডেলিভারি হয়নি, "
        "ডেলিভারি দেয়নি, ডেলিভারি দিচ্ছে না, ডেলিভারি হচ্ছে না, ডেলিভারি কবে, অপেক্ষা কর, "
        "অপেক্ষায়, কত দিন, কতদিন, কবে পাব, কবে দিবে, কবে দেবে, কবে আসবে, আর কত, দিন হয়ে গেছে, "
        "দিন ধরে, সপ্তাহ ধরে, সপ্তাহ হয়ে গেছে, মাস হয়ে গেল, মাস ধরে, আটকে আছে, আটকে গেছে, "
        "পেন্ডিং, পাঠায়নি, পাঠানো হয়নি"
    ),
    "refund": _cues(
        "রিফান্ড, ফেরত, ফেরৎ, টাকা কেটে, টাকা কাটা, ক্যান্সেল, ক্যানসেল, বাতিল, রিটার্ন, রিপ্লেস, "
        "মানি ব্যাক, ফিরিয়ে দিন, ফিরিয়ে দাও, ফিরিয়ে দেন, চার্জব্যাক, ডাবল চার্জ"
    ),
    # "ফাটা" hides in ফাটাফাটি ("awesome"), "লিক" in ক্লিক, "ভুল" in ভুলে গেছি ("I forgot").
    "defect": _cues(
        "ভাঙা, ভাঙ্গা, ভেঙে, ভেঙ্গে, নষ্ট, ড্যামেজ, কাজ করছে না, কাজ করে না, কাজ করেনা, "
        "কাজ করছেনা, চলছে না, চলছেনা, চালু হচ্ছে না, অন হচ্ছে না, ত্রুটি, ডিফেক্ট, ফেটে গেছে, "
        "ফাটল, ভুল প্রোডাক্ট, ভুল পণ্য, ভুল জিনিস, ভুল সাইজ, ভুল আইটেম, ভুল কালার, ভুল অর্ডার, "
        "অকেজো, পচা, পচে, মেয়াদোত্তীর্ণ, মেয়াদ উত্তীর্ণ, এক্সপায়ার্ড, ছেঁড়া, ছিঁড়ে, লিকেজ, "
        "হ্যাং, ক্র্যাশ, মিসিং, কম দিয়েছে, অখাদ্য, নিম্নমানের"
    ),
    "service": _cues(
        "রিপ্লাই দেয় না, রিপ্লাই দেয়না, রিপ্লাই দেয়নি, রিপ্লাই দিচ্ছে না, রিপ্লাই নেই, "
        "রিপ্লাই পাইনি, উত্তর দিচ্ছে না, উত্তর দেয় না, উত্তর দেয়নি, উত্তর নেই, উত্তর পাইনি, "
        "জবাব দিচ্ছে না, জবাব দেয় না, জবাব নেই, ফোন ধরে না, ফোন ধরছে না, ফোন ধরেনা, কল ধরে না, "
        "কল ধরছে না, ফোন রিসিভ করে না, ফোন রিসিভ করছে না, কল রিসিভ করছে না, খারাপ ব্যবহার, "
        "বাজে ব্যবহার, দুর্ব্যবহার, অভদ্র, রুড, অসভ্য, হয়রানি, সাহায্য করছে না, সাহায্য পাইনি, "
        "সাড়া নেই, সাড়া দিচ্ছে না, সাড়া পাইনি, পাত্তা দিচ্ছে না, পাত্তা দেয় না, ইগনোর, "
        "গাফিলতি, দায়িত্বজ্ঞানহীন, সমাধান হয়নি, সমাধান দিচ্ছে না, সমাধান দেয়নি, ঘোরাচ্ছে, "
        "ঘুরাচ্ছে, হোল্ডে রেখে, সাপোর্ট নেই"
    ),
    # "ঠকে" alone hides in বৈঠকে ("in the meeting").
    "fraud": _cues(
        "প্রতারণা, প্রতারক, প্রতারিত, ঠকানো, ঠকাচ্ছে, ঠকিয়ে, ঠকলাম, ঠকেছি, ঠকে গেছি, ধোঁকা, "
        "ধোকা, বাটপার, চিটার, চিটিং, স্ক্যাম, ফ্রড, ভুয়া, নকল, জালিয়াতি, চোর, লুটপাট, লুট কর, "
        "ডাকাত, মিথ্যা, মিথ্যে, হ্যাক, ধান্দাবাজ, দুই নম্বরি, ফেক পেজ, ফেক প্রোডাক্ট, ফেক পণ্য"
    ),
    "repeat": _cues(
        "আবার, বারবার, বার বার, বারংবার, কতবার, কত বার, অনেকবার, অনেক বার, প্রতিবার, প্রতি বার, "
        "একাধিকবার, কয়েকবার, কয়েক বার, বহুবার, দ্বিতীয়বার, তৃতীয়বার, তিনবার, চারবার, পাঁচবার, "
        "দশবার, দুবার, দু বার, একই সমস্যা, রোজ রোজ"
    ),
    "positive": _cues(
        "ধন্যবাদ, থ্যাংক, থ্যাঙ্ক, ভাল, চমৎকার, দারুণ, দারুন, অসাধারণ, অসাধারন, খুশি, খুশী, "
        "সন্তুষ্ট, সেরা, ফাটাফাটি, জোস, অভিনন্দন, কৃতজ্ঞ, প্রশংসা, সুন্দর, মুগ্ধ, সময়মত, "
        "পছন্দ হয়েছে, লাভ ইউ, বেস্ট, সুপার"
    ),
}

_TELUGU: dict[Family, tuple[str, ...]] = {
    # "బాధ" alone hides in బాధ్యత ("responsibility"); "పాడు" is also "to sing".
    "negative": _cues(
        "చెత్త, దరిద్రం, దరిద్రపు, వరస్ట్, వర్స్ట్, బాగాలేదు, బాగా లేదు, బాగోలేదు, బాలేదు, "
        "పనికిరాని, పనికిరాదు, పనికిమాలిన, కోపం, చిరాకు, నిరాశ, అసంతృప్తి, అధ్వాన్నం, అద్వాన్నం, "
        "ఘోరం, దారుణం, సిగ్గుచేటు, బాధగా, బాధపడ, బాధాకరం, సమస్య, ఇబ్బంది, కంప్లైంట్, ఫిర్యాదు, "
        "అసహ్యం, విసుగు, నచ్చలేదు, వేస్ట్, చెడ్డ, భయంకర, మంచిగా లేదు, మంచిది కాదు, సంతోషంగా లేదు, "
        "సంతోషంగా లేను, సంతృప్తిగా లేదు"
    ),
    # "ఇంకా" is "still/yet" and also "more"; in posts to a brand it is nearly always the first.
    # "లేట్" alone hides in చాక్లేట్ and ప్లేట్.
    "delay": _cues(
        "రాలేదు, అందలేదు, చేరలేదు, డెలివరీ కాలేదు, డెలివరీ అవ్వలేదు, డెలివర్ కాలేదు, "
        "డెలివరీ ఎప్పుడు, ఇంకా, ఆలస్యం, లేట్ అయ్యింది, లేట్ అయింది, లేట్ అవుతోంది, లేట్ అవుతుంది, "
        "లేట్ డెలివరీ, చాలా లేట్, ఎదురుచూస్తున్న, ఎదురు చూస్తున్న, వెయిట్ చేస్తున్న, వెయిటింగ్, "
        "ఎన్ని రోజుల, ఎన్నిరోజుల, ఎప్పుడు వస్తుంది, ఎప్పుడొస్తుంది, ఎప్పటికి, రోజులైంది, "
        "రోజులు అయింది, రోజులు అయ్యింది, వారం అయింది, వారం అయ్యింది, నెల అయింది, నెల అయ్యింది, "
        "పెండింగ్, ఇంతవరకు, ఇప్పటివరకు, డిస్పాచ్ కాలేదు"
    ),
    # "డబ్బులు కట్" alone would match డబ్బులు కట్టాను ("I paid").
    "refund": _cues(
        "రిఫండ్, రీఫండ్, డబ్బులు తిరిగి, డబ్బు తిరిగి, వాపస్, తిరిగి ఇవ్వ, తిరిగి ఇచ్చ, "
        "డబ్బులు కట్ అయ, డబ్బు కట్ అయ, అమౌంట్ కట్ అయ, డెబిట్ అయ, క్యాన్సిల్, క్యాన్సల్, కాన్సిల్, "
        "రద్దు, రిటర్న్, రీప్లేస్, రిప్లేస్, మనీ బ్యాక్"
    ),
    "defect": _cues(
        "పగిలి, విరిగి, పని చేయడం లేదు, పనిచేయడం లేదు, పని చేయట్లేదు, పనిచేయట్లేదు, పని చేయదు, "
        "పనిచేయదు, వర్క్ అవ్వడం లేదు, వర్క్ అవ్వట్లేదు, వర్క్ కావడం లేదు, డ్యామేజ్, డిఫెక్ట్, "
        "లోపం, లోపాలు, పాడై, పాడయ్య, చెడిపో, వేరే ప్రొడక్ట్, వేరే ఐటమ్, తప్పు ప్రొడక్ట్, "
        "తప్పు సైజ్, తప్పుడు ప్రొడక్ట్, నాసిరకం, కుళ్ళి, కుళ్లి, లీక్, హ్యాంగ్, క్రాష్, "
        "ఆన్ కావడం లేదు, ఆన్ అవ్వట్లేదు, ముక్కలై, చిరిగి, చినిగి, ఎక్స్పైర్, మిస్సింగ్"
    ),
    "service": _cues(
        "రిప్లై లేదు, రిప్లై ఇవ్వడం లేదు, రిప్లై ఇవ్వట్లేదు, రిప్లై రాలేదు, రెస్పాన్స్ లేదు, "
        "రెస్పాన్స్ రాలేదు, స్పందన లేదు, స్పందించడం లేదు, స్పందించట్లేదు, సమాధానం లేదు, "
        "సమాధానం ఇవ్వడం లేదు, సమాధానం రాలేదు, జవాబు లేదు, పట్టించుకోవడం లేదు, పట్టించుకోట్లేదు, "
        "పట్టించుకోరు, పట్టించుకోలేదు, ఎత్తడం లేదు, ఎత్తట్లేదు, ఎత్తలేదు, ఎత్తరు, దురుసు, రూడ్, "
        "మర్యాద లేదు, మర్యాద లేకుండా, నిర్లక్ష్యం, బాధ్యతారాహిత్యం, బాధ్యత లేదు, తిప్పుతున్నారు, "
        "సహాయం చేయడం లేదు, సాయం చేయడం లేదు, హెల్ప్ చేయడం లేదు, హోల్డ్ లో, హోల్డ్లో, ఇగ్నోర్, "
        "పరిష్కారం లేదు, పరిష్కారం కాలేదు, పరిష్కరించలేదు, పరిష్కరించడం లేదు, "
        "అసభ్యంగా, వేధింపు, వేధిస్తున్నా, వేధించా"
    ),
    # "మోస" alone hides in మోసుకొని ("carrying").
    "fraud": _cues(
        "మోసం, మోసపోయా, మోసగాడు, మోసగాళ్ళు, మోసగాళ్లు, మోసాలు, స్కామ్, ఫ్రాడ్, నకిలీ, దోచుకు, "
        "దోపిడీ, దోపిడి, దొంగ, చీటింగ్, చీటర్, చీట్ చేస, చీట్ చేశ, ఫేక్, బోగస్, అబద్ధం, అబద్ధాలు, "
        "అబద్దం, అబద్దాలు, నమ్మకద్రోహం, డూప్లికేట్, హ్యాక్, అనధికార"
    ),
    "repeat": _cues(
        "మళ్ళీ, మళ్లీ, పదే పదే, పదేపదే, ఎన్నిసార్లు, ఎన్ని సార్లు, చాలాసార్లు, చాలా సార్లు, "
        "ప్రతిసారి, ప్రతి సారి, ప్రతీసారి, రెండోసారి, మూడోసారి, రెండుసార్లు, రెండు సార్లు, "
        "మూడుసార్లు, మూడు సార్లు, ఎన్నోసార్లు, అనేకసార్లు, పలుమార్లు, మరోసారి, ఇప్పటికీ"
    ),
    # "చక్క" alone hides in చక్కెర ("sugar").
    "positive": _cues(
        "ధన్యవాదాలు, థ్యాంక్స్, థాంక్స్, థ్యాంక్యూ, థాంక్యూ, థ్యాంక్ యూ, బాగుంది, బాగున్నా, "
        "సూపర్, అద్భుతం, అదిరింది, అదిరిపోయింది, సంతోషం, సంతృప్తి, లవ్ యూ, లవ్లీ, నచ్చింది, "
        "నచ్చాయి, ఉత్తమ, చక్కగా, చక్కని, చక్కటి, సమయానికి, కృతజ్ఞతలు, మంచి, హ్యాపీ, బెస్ట్, "
        "ఎక్సలెంట్"
    ),
}

_HINDI: dict[Family, tuple[str, ...]] = {
    "negative": _cues(
        "ख़राब, बेकार, बकवास, घटिया, बेहूदा, बुरा, बुरी, बुरे, निकम्मा, निकम्मे, निकम्मी, गुस्सा, "
        "गुस्से, नाराज़, परेशान, दिक्कत, समस्या, तकलीफ़, शर्मनाक, वाहियात, फ़ालतू, बेवकूफ़, "
        "नफ़रत, निराश, असंतुष्ट, बर्बाद, पछता, झंझट, सिरदर्द, वर्स्ट, दुखी, दुखद, घिनौना, घिनौनी, "
        "गंदा, गंदी, गंदे, भयानक, भयंकर, बदतर, बेशर्म, लानत, कचरा, नौटंकी, बेइज़्ज़ती, शिकायत, "
        "कंप्लेन, कंप्लेंट, कम्प्लेंट, अच्छा नहीं, अच्छी नहीं, अच्छे नहीं, पसंद नहीं, ख़ुश नहीं, "
        "तंग आ गया, तंग आ गई, तंग आ चुका"
    ),
    # "लेट" alone hides in चॉकलेट, टॉयलेट, लेटर; "आया नहीं" is not "नहीं आया", which is also
    # "समझ नहीं आया" ("I don't understand").
    "delay": _cues(
        "देरी, देर से, देर हो, विलंब, बहुत लेट, लेट हो, लेट डिलीवरी, नहीं मिल, अभी तक, अब तक, "
        "इंतज़ार, कितने दिन, कितना समय, कितना टाइम, कब तक, कब आएगा, कब आएगी, कब मिलेगा, "
        "कब मिलेगी, कब होगा, कब होगी, कब पहुँचेगा, नहीं पहुँच, पहुँचा नहीं, पहुँची नहीं, "
        "डिलीवर नहीं, डिलीवरी नहीं, डिलिवरी नहीं, डिलीवरी कब, डिलिवरी कब, आया नहीं, आई नहीं, "
        "आयी नहीं, आया ही नहीं, दिन हो गए, दिन हो गये, हफ़्ते हो गए, हफ़्ता हो गया, महीना हो गया, "
        "महीने हो गए, दिनों से, हफ़्तों से, महीनों से, अटका, अटकी, अटक गया, पेंडिंग, "
        "डिस्पैच नहीं, समय पर नहीं, टाइम पर नहीं"
    ),
    # "रद्द" alone is also रद्दी ("scrap paper").
    "refund": _cues(
        "रिफ़ंड, रिफन्ड, रीफ़ंड, पैसे वापस, पैसा वापस, पैसे लौटा, पैसा लौटा, राशि वापस, रकम वापस, "
        "अमाउंट वापस, पेमेंट वापस, वापस कर, वापस कीजिए, वापस चाहिए, वापसी, रिटर्न, रिप्लेस, "
        "कैंसिल, कैंसल, रद्द कर, रद्द हो, रद्द किया, पैसे कट, पैसा कट, अमाउंट कट, चार्जबैक, "
        "पैसे काट, पैसा काट, रुपये काट, अमाउंट काट, दो बार काट, दो बार पैसे, दो बार चार्ज, "
        "लौटाओ, लौटा दो, मनी बैक, क्रेडिट नहीं"
    ),
    # "फटा" alone hides in फटाफट ("quickly"); "सड़" in सड़क ("road").
    "defect": _cues(
        "टूट, ख़राब निकल, ख़राब आया, ख़राब आई, ख़राबी, काम नहीं कर, नहीं चल रहा, नहीं चल रही, "
        "नहीं चलता, नहीं चलती, चल नहीं रहा, चल नहीं रही, चलता नहीं, बंद हो गया, बंद पड़ा, "
        "ऑन नहीं, चालू नहीं, डैमेज, डिफ़ेक्ट, फ़ॉल्टी, ग़लत सामान, ग़लत प्रोडक्ट, ग़लत आइटम, "
        "ग़लत साइज़, ग़लत ऑर्डर, दूसरा प्रोडक्ट, फटा हुआ, फटी हुई, फट गया, फट गई, लीक हो, लीकेज, "
        "सड़ा, सड़ी, सड़े, सड़ गया, एक्सपायर, हैंग, क्रैश, मिसिंग, अधूरा"
    ),
    "service": _cues(
        "जवाब नहीं, जवाब ही नहीं, रिप्लाई नहीं, रिस्पॉन्स नहीं, रिस्पांस नहीं, कोई सुनता नहीं, "
        "कोई नहीं सुन, सुनवाई नहीं, नहीं सुनते, नहीं उठा, उठा नहीं, उठाते नहीं, उठाया नहीं, "
        "कॉल नहीं लग, फ़ोन नहीं लग, बदतमीज़, रूड, अभद्र, दुर्व्यवहार, बदसलूकी, तमीज़ नहीं, "
        "टालमटोल, टाल रहे, टाल दिया, टालते, लापरवाह, मदद नहीं, हेल्प नहीं, सपोर्ट नहीं, अनसुना, "
        "नज़रअंदाज़, इग्नोर, कॉल काट, फ़ोन काट, होल्ड पर, घुमा रहे, चक्कर लगवा, चक्कर काट, "
        "समाधान नहीं, हल नहीं, छेड़छाड़, छेड़खानी, अश्लील, ग़लत तरीके से छु"
    ),
    # "फ़ेक" ("fake") alone hides in परफ़ेक्ट ("perfect") and इफ़ेक्ट, so it comes in phrases.
    "fraud": _cues(
        "धोखा, धोखे, ठगा, ठगी, ठगे, ठगने, ठगते, ठग लिया, लूटा, लूट लिया, लूट रहे, लूटते, लूटने, "
        "फ़्रॉड, फ्राड, स्कैम, नक़ली, फ़र्ज़ी, फ़ेक प्रोडक्ट, फ़ेक है, फ़ेक निकला, जालसाज़, "
        "चीटिंग, चीटर, बेईमान, चोर, उल्लू बना, पैसे खा गए, पैसे खा लिए, पैसा खा गए, झूठ, "
        "डुप्लीकेट, अनधिकृत, हैक, गबन, चूना लगा"
    ),
    "repeat": _cues(
        "फिर से, फिरसे, दोबारा, दुबारा, बार बार, कितनी बार, कई बार, हर बार, फिर वही, एक बार फिर, "
        "दूसरी बार, तीसरी बार, चौथी बार, पाँचवीं बार, लगातार, अब भी, अभी भी, रोज़ रोज़, हर रोज़, "
        "इतनी बार, बहुत बार, सौ बार, दस बार"
    ),
    # "कमाल है" can be sarcastic ("unbelievable!"); it stays positive as it is mostly praise.
    "positive": _cues(
        "धन्यवाद, शुक्रिया, थैंक्स, थैंक यू, थैंक्यू, बढ़िया, अच्छा, अच्छी, अच्छे, शानदार, "
        "बेहतरीन, उत्कृष्ट, लाजवाब, कमाल, ज़बरदस्त, प्यार, पसंद आ, ख़ुश, संतुष्ट, मस्त, बेस्ट, "
        "सुपर, आभार, शुक्रगुज़ार, मज़ा आ, समय पर, टाइम पर, सराहनीय, उम्दा, शाबाश"
    ),
}

# Romanised Hindi, written with one spelling per word; the other spellings people type are in
# LATIN_SPELLINGS. English words appear only inside Hinglish phrases ("late ho gaya", "cancel
# kar do"), except the loanwords Hinglish complaints use alone: refund, replacement, damage(d),
# defective, rude, fraud, fake, scam, cheating, cheater, duplicate.
_HINGLISH: dict[Family, tuple[str, ...]] = {
    "negative": _cues(
        "bakwas, bekar, ghatiya, kharab, bura, buri, bure, faltu, nikamma, nikamme, nikammi, "
        "gussa, naraz, pareshan, pareshani, dikkat, samasya, takleef, sharmnaak, wahiyat, "
        "bewakoof, nirash, asantusht, barbad, barbadi, jhanjhat, sirdard, ganda, gandi, gande, "
        "bhayanak, badtar, besharam, lanat, beizzati, kachra, nautanki, dukhi, shikayat, "
        "tang aa gaya, achha nahi, achhi nahi, achhe nahi, bahut achha nahi, bahut achhi nahi, "
        "bahut achhe nahi, pasand nahi, khush nahi"
    ),
    "delay": _cues(
        "nahi mila, nahi mili, nahi mile, abhi tak, ab tak, kab tak, kab milega, kab milegi, "
        "kab aayega, kab aayegi, kab hoga, kab pahunchega, kitne din, kitne dino, kitna time, "
        "kitna samay, der se, deri, der ho gayi, late ho gaya, bahut late, intezaar, wait karwa, "
        "pahuncha nahi, nahi pahuncha, nahi pahunchi, deliver nahi, delivery nahi, order nahi, "
        "parcel nahi, saman nahi, din ho gaye, hafta ho gaya, hafte ho gaye, mahina ho gaya, "
        "mahine ho gaye, dino se, hafton se, mahino se, atka hua, atak gaya, atka pada, "
        "pending hai, dispatch nahi, aaya hi nahi, aaya nahi, aayi nahi, samay par nahi, "
        "time par nahi"
    ),
    "refund": _cues(
        "refund, paise wapas, paise lautao, paise lauta do, paise return, paise kat gaye, "
        "paise kate, paise kaat liye, amount kat gaya, cancel kar do, cancel karo, cancel kiya, "
        "cancel ho gaya, cancel nahi, radd karo, radd kar do, wapas karo, wapas kar do, "
        "wapas chahiye, wapas lo, return karna, return nahi, replacement, replace karo, "
        "replace kar do, credit nahi"
    ),
    "defect": _cues(
        "toota, tooti, toote, toot gaya, kaam nahi kar, kaam nahi karta, chal nahi raha, "
        "chal nahi rahi, chalta nahi, nahi chal raha, nahi chalta, band ho gaya, band pada, "
        "kharab nikla, kharab nikli, kharab aaya, kharabi, damage, damaged, defective, "
        "galat product, galat item, galat saman, galat size, galat order, dusra product, "
        "phata hua, phati hui, phat gaya, sada hua, sadi hui, hang hota, hang ho gaya, "
        "hang ho raha, on nahi ho raha, adhura"
    ),
    "service": _cues(
        "jawab nahi, reply nahi, response nahi, koi sunta nahi, koi nahi sunta, sunwai nahi, "
        "nahi uthate, nahi uthata, nahi uthaya, uthate nahi, uthata nahi, uthaya nahi, badtameez, "
        "badtameezi, rude, tameez nahi, badsaluki, taalmatol, taal rahe, laparwah, laparwahi, "
        "madad nahi, help nahi, support nahi, ignore kar, ignore kiya, call kaat, phone kaat, "
        "hold par, ghuma rahe, ghumaya, chakkar lagwa, chakkar kaat, samadhan nahi, solve nahi, "
        "chhedchhad, chhedkhani, ashleel"
    ),
    "fraud": _cues(
        "dhokha, dhokhe, dhokebaaz, dhokhadhadi, thag, thagi, thaga, thage, thagne, loot, loota, "
        "fraud, farzi, nakli, fake, chor, chori, jhooth, jhootha, jhoothe, jhoothi, beimaan, "
        "beimani, ullu banaya, ullu bana, chuna laga, chuna lagaya, paise kha gaye, "
        "paise kha liye, scam, cheating, cheater, duplicate, hack ho gaya"
    ),
    "repeat": _cues(
        "phir se, phirse, dobara, baar baar, kitni baar, kai baar, har baar, phir wahi, "
        "ek baar phir, dusri baar, teesri baar, chauthi baar, panchvi baar, lagatar, ab bhi, "
        "abhi bhi, roz roz, har roz, har din, itni baar, bahut baar, sau baar, das baar"
    ),
    "positive": _cues(
        "dhanyavad, shukriya, badhiya, bahut achha, bahut achhi, bahut achhe, achha laga, "
        "achhi lagi, achhe lage, shandar, behtareen, lajawab, kamaal, zabardast, mast, pyaar, "
        "pasand aaya, pasand aayi, khush, khushi, santusht, maza aa gaya, shabash, aabhar, "
        "aabhari, time par, samay par, jaldi mil gaya, jaldi aa gaya"
    ),
}

# Each group is the spelling a cue uses, then the other spellings people type. "kamal" is left
# out of "kamaal": it is also a common first name.
LATIN_SPELLINGS: tuple[tuple[str, ...], ...] = _spellings(
    "aabhar abhar, aabhari abhari, aaya aya aayaa, aayega ayega aaega aega, "
    "aayegi ayegi aaegi aegi, aayi ayi aai aayee, achha accha acha achcha acchha achchha, "
    "achhe acche ache achche, achhi acchi achi achchi, adhura adhoora, asantusht asantust, "
    "bahut bohot bahot bohat boht bhut bhot, baar bar, bakwas bakwaas bakvas bakwass, "
    "band bandh, barbad barbaad, barbadi barbaadi, "
    "badtameez badtamiz badtamij batameez batamiz badtameej, "
    "badtameezi badtamizi badtamiji badtameeji, badhiya badiya badhia badia badhiyaa badhya, "
    "badsaluki badsalooki, behtareen behtreen behtarin behatreen, beimaan beiman baimaan, "
    "beimani beimaani baimani, beizzati beizzti beizati, bekar bekaar bekr, besharam besharm, "
    "bewakoof bewakuf bevakoof bevkoof bewkoof bevakuf, chahiye chahie chaiye, "
    "chakkar chakar, chauthi chothi chouthi, "
    "dhanyavad dhanyawad dhanyavaad dhanyawaad dhanywad, "
    "dhokebaaz dhokhebaaz dhokebaz dhokhebaz dhokhebaj dhokebaj, dhokha dhoka dokha dhokhaa, "
    "dhokhadhadi dhokadhadi dhokhadhari, dhokhe dhoke, dikkat dikat diqqat, dino dinon, "
    "dobara dobaara dubara dubaara dobra, dusra doosra, dusri doosri, faltu faaltu faltoo, "
    "farzi farji farzee, fraud frod froud, galat galt glat ghalat, "
    "gaya gaye gayi gya gye gyi gai gae, ghatiya ghatia ghatiyaa ghtiya, ghuma ghooma, "
    "ghumaya ghoomaya, gussa ghussa gusa, hafton hafto, hui huyi, hua huwa hwa, "
    "intezaar intezar intzar intjar intazar intezzar intizar intizaar, jawab jwab jawaab, "
    "jhooth jhoot jhuth jhoth, jhootha jhoota jhutha jhuta, jhoothe jhoote jhuthe jhute, "
    "jhoothi jhooti jhuthi jhuti, kai kayi kaee, kar kr, karo kro, kat kaat, "
    "kharab kharaab khraab khrab, kharabi kharaabi khraabi, khushi khusi, kiya kia kiyaa, "
    "lagatar lagataar, lagwa lagva, lajawab lajawaab lajwab, lanat laanat, "
    "laparwah laparwaah laparvah laparwa laparvaah, "
    "laparwahi laparwaahi laparvahi laparvaahi, lauta lota, lautao lotao, liye liya lie, "
    "loot lut, loota luta lutaa, mahino mahinon, maza mazaa maja majaa mja, "
    "nahi nahin nhi nahee nai nahii nhin, nakli naqli nakali nakalee, naraz naraaz naaraz, "
    "nikamma nikama, nikla nikala, nikli nikali, "
    "pahuncha pahucha pohcha pohncha pahocha puhncha, pahunchega pahuchega pohchega, "
    "pahunchi pahuchi pohchi pohnchi, paise paisa pese pesa paisay, "
    "panchvi paanchvi panchvin paanchvin panchwi, par pe pr, "
    "pareshan pareshaan preshan pershan, pareshani pareshaani preshani, pasand psnd pasnd, "
    "phat fat, phata fata, phati fati, phir fir fhir, phirse firse, pyaar pyar, "
    "raha rha rahaa, rahi rhi, reply rply replay, response responce, roz roj, "
    "saman samaan saamaan saaman, samadhan samaadhan samadhaan, samay samai, "
    "santusht santust, shabash shaabash shabaash, shandar shaandar shandaar shaandaar, "
    "sharmnaak sharmnak sharamnak sharamnaak, shukriya shukria sukriya shukriyaa, "
    "sunwai sunvai sunwaai, taal tal, taalmatol talmatol, takleef taklif taklief, "
    "tameez tamiz tamij tameej, teesri tisri, toot tut, toota tuta tutta, toote tute, "
    "tooti tuti tutti, uthata uthaata, uthate uthaate, uthaya uthaaya, wahi vahi wohi wahee, "
    "wahiyat wahiyaat vahiyat vahiyaat, wapas vapas waapas vaapas wapis vapis wapass, "
    "zabardast jabardast zabardust zbardast jabardust"
)

INDIC_CUES: Mapping[str, Mapping[Family, tuple[str, ...]]] = MappingProxyType(
    {
        "bn": MappingProxyType(_BENGALI),
        "te": MappingProxyType(_TELUGU),
        "hi": MappingProxyType(_HINDI),
        "hi-Latn": MappingProxyType(_HINGLISH),
    }
)
