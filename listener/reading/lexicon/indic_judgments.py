"""Topics, feelings, danger, threats and urgency cues for Bengali, Telugu, Hindi and Hinglish.

The English judgments have these in ``lexicon.english`` and ``lexicon.signals_words``; these
lists give posts in the four Indic readings the same judgments under the same names: topics
(delivery, billing, product_quality, support, website_app, pricing, account), feelings
(frustrated, angry, disappointed, confused, anxious), harm to someone (``safety``: fire, smoke,
burns, explosions, electric shock, injury, poisoning, allergy, a medical emergency, someone
stranded, a child at risk), threats aimed at people, and urgency (``urgent``, ``legal``,
``time``: time pressure, which counts only inside a complaint, as in English). ``none`` holds
feelings said not to be felt ("হতাশ হইনি", "चिंता मत करो"): being longer, they win over the
feeling word they start with, and nothing reads them.

Matched as ``reading.indic_cues`` matches its lists: script cues are stems found anywhere in
a word (these languages attach endings), Hinglish cues are whole words after its spellings are
folded. So a script cue must not hide inside a common longer word; where a short word does
("बिल" in बिल्कुल, "ধর" in ধরন, "చార్జ్" in చార్జర్) only phrases that pin it down are listed.
Figurative uses are left out on purpose: "आग लगा दी" (a song "set the stage on fire") and
"মেরে ফেলেছে" ("it killed me", praise) are not danger; future-tense "I will kill" is.

Written for this project from general knowledge of the languages; nothing is derived from a
labelled dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _cues(listing: str) -> tuple[str, ...]:
    return tuple(cue.strip() for cue in listing.split(",") if cue.strip())


# fmt: off
_HINDI: dict[str, tuple[str, ...]] = {
    # Harassment described (molesting, obscene acts). "बदतमीज़ी" stays plain rudeness
    # (support): it is said of a curt agent far more often than of harassment.
    "topic:discrimination": _cues(
        "छेड़छाड़, छेड़खानी, अश्लील, गंदी हरकत, ग़लत तरीके से छु, नस्लभेद, भेदभाव"
    ),
    "topic:delivery": _cues(
        "डिलीवरी, डिलिवरी, डिलेवरी, पार्सल, कूरियर, कुरियर, शिपमेंट, शिपिंग, डिस्पैच, "
        "ट्रैकिंग, ऑर्डर नहीं आया, ऑर्डर नहीं मिला, सामान नहीं आया, सामान नहीं मिला, "
        "पहुँचा नहीं, पहुँची नहीं, नहीं पहुँचा, नहीं पहुँची, मेरा ऑर्डर, मेरे ऑर्डर, ऑर्डर अभी तक, "
        "मेरा आर्डर, आर्डर अभी तक"
    ),
    "topic:billing": _cues(
        "रिफ़ंड, रिफन्ड, रीफ़ंड, पैसे वापस, पैसा वापस, पैसे लौटा, पैसे कट, पैसा कट, "
        "पैसे काट, पैसा काट, रुपये काट, अमाउंट काट, दो बार काट, दो बार पैसे, दो बार चार्ज, "
        "अमाउंट कट, पेमेंट, भुगतान, बिलिंग, ज़्यादा बिल, बिल आया, चार्ज किया, चार्ज कर लिया, "
        "डबल चार्ज, एक्स्ट्रा चार्ज, इनवॉइस, ट्रांज़ैक्शन, डेबिट हो, कैशबैक, ईएमआई"
    ),
    "topic:product_quality": _cues(
        "टूटा, टूटी, टूटे, टूट गया, टूट गई, ख़राब निकल, ख़राब आया, ख़राब आई, ख़राबी, डैमेज, "
        "डिफ़ेक्ट, फ़ॉल्टी, घटिया, क्वालिटी, गुणवत्ता, नकली, फटा हुआ, फटी हुई, सड़ा, सड़ी, "
        "एक्सपायर, ग़लत सामान, ग़लत प्रोडक्ट, ग़लत आइटम, काम नहीं कर, नहीं चल रहा, "
        "नहीं चल रही, बंद हो गया, बंद पड़ा, लीक हो"
    ),
    "topic:support": _cues(
        "कस्टमर केयर, कस्टमर सर्विस, कस्टमर सपोर्ट, हेल्पलाइन, कॉल सेंटर, टोल फ्री, एजेंट, "
        "स्टाफ़, कर्मचारी, जवाब नहीं, रिप्लाई नहीं, कोई सुनता नहीं, फ़ोन नहीं उठा, "
        "कॉल नहीं उठा, बदतमीज़, अभद्र, शिकायत दर्ज"
    ),
    "topic:website_app": _cues(
        "ऐप, एप्लिकेशन, ऐप्लिकेशन, वेबसाइट, साइट, पेज नहीं, सर्वर, क्रैश, हैंग, लिंक नहीं"
    ),
    "topic:pricing": _cues(
        "क़ीमत, दाम बढ़, ज़्यादा दाम, के दाम, महँगा, महँगी, महँगे, महँगाई, प्राइस, रेट बढ़, "
        "रेट ज़्यादा, ओवरचार्ज, ज़्यादा पैसे"
    ),
    "topic:account": _cues(
        "अकाउंट, अकॉउंट, मेरा खाता, खाता बंद, खाते से, खाते में, लॉगिन, लॉग इन, पासवर्ड, "
        "ओटीपी, ब्लॉक कर, ब्लॉक हो, सस्पेंड, केवाईसी, प्रोफ़ाइल, साइन इन"
    ),
    "feeling:frustrated": _cues(
        "परेशान, परेशानी, तंग आ, थक गया, थक गई, थक चुका, हद हो गई, हद है, सिरदर्द, झुंझला"
    ),
    "feeling:angry": _cues(
        "गुस्सा, गुस्से, नाराज़, क्रोध, भड़क, आग बबूला, ख़ून खौल, शर्म करो, शर्म आनी चाहिए, "
        "बेशर्म"
    ),
    "feeling:disappointed": _cues(
        "निराश, मायूस, उम्मीद नहीं थी, उम्मीद थी, दुखी, दुख हुआ, अफ़सोस, भरोसा टूट, "
        "भरोसा उठ"
    ),
    "feeling:confused": _cues(
        "समझ नहीं आ, समझ में नहीं, कन्फ्यूज़, उलझन, पता नहीं चल, क्या मतलब, कैसे करूँ, "
        "कैसे करें"
    ),
    "feeling:anxious": _cues("चिंता, चिंतित, डर लग, घबरा, टेंशन, फ़िक्र, बेचैन"),
    "safety:safety": _cues(
        "आग लग गई, आग लगी, आग पकड़, धुआँ, धुंआ, हाथ जल, झुलस, जलने का निशान, ब्लास्ट, "
        "विस्फोट, बैटरी फट, करंट लग, शॉक लग, चोट लग, चोट आई, चोटें, घायल, ज़ख़्मी, "
        "ख़ून निकल, अस्पताल में भर्ती, अस्पताल ले जाना पड़ा, अस्पताल जाना पड़ा, "
        "हॉस्पिटल में भर्ती, फ़ूड पॉइज़निंग, फ़ूड पॉइजनिंग, ज़हरीला, उल्टी हो, उल्टियां, "
        "उल्टी दस्त, दस्त लग, एलर्जी, बेहोश, साँस नहीं, साँस लेने में, गैस लीक, "
        "एयरपोर्ट पर फँस, स्टेशन पर फँस, रास्ते में फँस, लिफ़्ट में फँस, निगल लिया, "
        "एम्बुलेंस, एंबुलेंस"
    ),
    "threat:threat": _cues(
        "जान से मार दूँगा, जान से मार देंगे, मार डालूँगा, मार डालेंगे, तुझे मार, "
        "तुम्हें मार, तुमको मार, गोली मार दूँगा, काट डालूँगा, जला दूँगा, आग लगा दूँगा, "
        "आग लगा देंगे, तुम मर जाओ, मर जाओ तुम, तू मर जा, मर जा तू, भगवान करे तू मर, "
        "तेरे घर आकर, घर में घुसकर मार, देख लूँगा तुझे, छोड़ूँगा नहीं, फाँसी दे देनी चाहिए, "
        "फाँसी पर लटका दो, गोली मार देनी चाहिए, मार देना चाहिए"
    ),
    "urgency:urgent": _cues("अर्जेंट, अति आवश्यक, इमरजेंसी, जल्द से जल्द, फ़ौरन"),
    "urgency:legal": _cues(
        "वकील, क़ानूनी, कानूनी कार्रवाई, केस करूँगा, केस कर दूँगा, कोर्ट, उपभोक्ता फ़ोरम, "
        "उपभोक्ता अदालत, कंज़्यूमर कोर्ट, कंज़्यूमर फ़ोरम, पुलिस में शिकायत, एफ़आईआर"
    ),
    "urgency:time": _cues(
        "तुरंत, आज ही, आज रात, अभी चाहिए, कल तक, कल सुबह तक, फ़्लाइट, फ्लाइट, शादी, "
        "घंटे में"
    ),
    # Feelings said not to be felt ("not disappointed", "don't worry"): found, then dropped.
    "none:negated": _cues(
        "निराश नहीं, परेशान नहीं, परेशान न हों, परेशान मत, गुस्सा नहीं, नाराज़ नहीं, "
        "चिंता न करें, चिंता मत, चिंता नहीं, टेंशन मत, टेंशन न, टेंशन नहीं, डर नहीं"
    ),
}
# fmt: on

# fmt: off
_BENGALI: dict[str, tuple[str, ...]] = {
    "topic:delivery": _cues(
        "ডেলিভারি, ডেলিভারী, পার্সেল, কুরিয়ার, শিপিং, শিপমেন্ট, ট্র্যাকিং, পণ্য পাইনি, "
        "প্রোডাক্ট পাইনি, অর্ডার পাইনি, হাতে পাইনি, আমার অর্ডার, অর্ডার এখনো, অর্ডার আসেনি"
    ),
    "topic:billing": _cues(
        "রিফান্ড, টাকা ফেরত, টাকা কেটে, টাকা কাটা, পেমেন্ট, বিলিং, বেশি বিল, বিল এসেছে, "
        "চার্জ কেটে, চার্জ নিয়েছে, বাড়তি চার্জ, ডাবল চার্জ, এক্সট্রা চার্জ, ক্যাশব্যাক, "
        "লেনদেন, ট্রানজেকশন, ইনভয়েস"
    ),
    "topic:product_quality": _cues(
        "ভাঙা এসেছে, ভাঙ্গা এসেছে, ভাঙা ছিল, ভাঙ্গা ছিল, ভাঙা পণ্য, ভাঙা প্রোডাক্ট, "
        "ভেঙে গেছে, ভেঙ্গে গেছে, নষ্ট হয়ে, নষ্ট পণ্য, নষ্ট প্রোডাক্ট, ড্যামেজ, ত্রুটি, "
        "ডিফেক্ট, নিম্নমানের, মান খারাপ, কোয়ালিটি, নকল পণ্য, নকল প্রোডাক্ট, নকল জিনিস, "
        "নকল মাল, পচা খাবার, পচে গেছে, মেয়াদোত্তীর্ণ, ফেটে গেছে, কাজ করছে না, কাজ করে না, "
        "কাজ করেনা, ভুল প্রোডাক্ট, ভুল পণ্য, ছেঁড়া, অকেজো"
    ),
    "topic:support": _cues(
        "কাস্টমার কেয়ার, কাস্টমার সার্ভিস, কাস্টমার সাপোর্ট, হেল্পলাইন, হেল্প লাইন, "
        "কল সেন্টার, এজেন্ট, স্টাফ, কর্মচারী, রিপ্লাই দেয় না, রিপ্লাই দিচ্ছে না, "
        "রিপ্লাই পাইনি, উত্তর দিচ্ছে না, ফোন ধরে না, ফোন ধরছে না, কল ধরে না, খারাপ ব্যবহার, "
        "দুর্ব্যবহার, সাপোর্ট নেই, সাপোর্ট দিচ্ছে না"
    ),
    "topic:website_app": _cues(
        "অ্যাপটি, অ্যাপটা, অ্যাপের, অ্যাপস, অ্যাপ্লিকেশন, অ্যাপ কাজ, অ্যাপ খুল, অ্যাপে ঢুক, "
        "ওয়েবসাইট, সাইটে, সার্ভার ডাউন, সার্ভারে সমস্যা, ক্র্যাশ, হ্যাং, লিংক কাজ"
    ),
    "topic:pricing": _cues(
        "দাম, দামি, দামী, ব্যয়বহুল, প্রাইস, রেট বেশি, রেট বাড়, মূল্য বেশি, মূল্যবৃদ্ধি, "
        "মূল্য বৃদ্ধি, সস্তা, গলাকাটা, অতিরিক্ত দাম"
    ),
    "topic:account": _cues(
        "অ্যাকাউন্ট, একাউন্ট, এ্যাকাউন্ট, লগইন, লগ ইন, পাসওয়ার্ড, ওটিপি, ব্লক করে, "
        "ব্লক হয়ে, আইডি, সাইন ইন, প্রোফাইল, ভেরিফিকেশন"
    ),
    "feeling:frustrated": _cues(
        "বিরক্ত, ত্যক্ত, অতিষ্ঠ, হয়রান হয়ে, হয়রান হচ্ছি, ক্লান্ত, আর পারছি না, ঝামেলা"
    ),
    "feeling:angry": _cues(
        "রাগ হচ্ছে, রাগ লাগছে, রেগে, রাগান্বিত, রাগে, ক্ষুব্ধ, ক্ষিপ্ত, মেজাজ খারাপ, ক্রোধ, "
        "লজ্জা করে না"
    ),
    "feeling:disappointed": _cues(
        "হতাশ, নিরাশ, আশাহত, দুঃখজনক, মন খারাপ, আশা করিনি, ভরসা নেই, আস্থা হারিয়ে"
    ),
    "feeling:confused": _cues(
        "বুঝতে পারছি না, বুঝতে পারছিনা, বুঝলাম না, বুঝি না, বুঝিনা, কনফিউজড, বিভ্রান্ত, "
        "কিভাবে করব, মানে কি"
    ),
    "feeling:anxious": _cues(
        "চিন্তায় আছি, চিন্তায় পড়ে, চিন্তিত, টেনশন, দুশ্চিন্তা, ভয় লাগ, ভয় পাচ্ছি, "
        "আতঙ্ক, উদ্বিগ্ন"
    ),
    "safety:safety": _cues(
        "আগুন লেগে, আগুন ধরে, আগুন লাগ, ধোঁয়া, পুড়ে, বিস্ফোরণ, বিস্ফোরিত, ব্লাস্ট, "
        "কারেন্ট লেগে, শক লেগে, আহত, রক্ত বের, রক্তাক্ত, হাসপাতালে ভর্তি, হাসপাতালে নিতে, "
        "ফুড পয়জনিং, বিষক্রিয়া, বিষাক্ত, বমি হচ্ছে, বমি হয়েছে, বমি করছে, বমি করে, "
        "ডায়রিয়া, পাতলা পায়খানা, অ্যালার্জি, এলার্জি, অজ্ঞান হয়ে, শ্বাস নিতে, গ্যাস লিক, "
        "আটকে পড়েছি, আটকা পড়েছি, আটকে আছি, গিলে ফেলেছে, অ্যাম্বুলেন্স, এম্বুলেন্স"
    ),
    "threat:threat": _cues(
        "মেরে ফেলব, মেরে ফেলবো, খুন করব, খুন করবো, তুই মর, তোরা মর, মর তুই, "
        "তোর বাড়িতে গিয়ে, পুড়িয়ে দেব, পুড়িয়ে দিব, আগুন ধরিয়ে দেব, গুলি করব, "
        "দেখে নেব তোকে, ফাঁসি দেওয়া উচিত, ফাঁসি দেওয়া উচিৎ, ফাসি দেওয়া উচিত, "
        "ফাসি দেওয়া উচিৎ, মেরে ফেলা উচিত, মেরে ফেলা উচিৎ, পিটানো উচিত, পিটানো উচিৎ, "
        "গুলি করা উচিত, গুলি করা উচিৎ"
    ),
    "urgency:urgent": _cues("জরুরি, জরুরী, ইমার্জেন্সি, অতি দ্রুত"),
    "urgency:legal": _cues(
        "উকিল, আইনি ব্যবস্থা, আইনগত, মামলা, ভোক্তা অধিকার, থানায়, পুলিশে, জিডি করব, কোর্ট"
    ),
    "urgency:time": _cues(
        "এখনই, আজকেই, আজই, আজ রাতে, কালকের মধ্যে, ঘণ্টার মধ্যে, ফ্লাইট, বিয়ে, তাড়াতাড়ি"
    ),
    # Feelings said not to be felt ("not disappointed", "don't worry"), and longer words that
    # hold a cue ("বলদামী" holds "দাম"): found, then dropped.
    "none:negated": _cues(
        "বলদাম, দাম্ভিক, কোনো দাম নেই, কোন দাম নেই, হতাশ হইনি, হতাশ হয়নি, হতাশ করেনি, "
        "হতাশ করেণি, হতাশ হবেন না, হতাশ হব না, হতাশ নই, বিরক্ত হবেন না, বিরক্ত বোধ করবেন না, "
        "বিরক্ত হইনি, মন খারাপ করবেন না, মন খারাপ করতে নাই, মন খারাপ করো না, "
        "চিন্তা করবেন না, টেনশন করবেন না, টেনশন নেই, ভয় পাবেন না, ভয় নেই, রাগ করবেন না"
    ),
}
# fmt: on

# fmt: off
_TELUGU: dict[str, tuple[str, ...]] = {
    # Harassment described: "behaved indecently", "harassing"; the judge puts it first.
    "topic:discrimination": _cues("అసభ్యంగా, వేధింపు, వేధిస్తున్నా, వేధించా"),
    "topic:delivery": _cues(
        "డెలివరీ, డెలివర్, పార్సెల్, కొరియర్, షిప్పింగ్, ట్రాకింగ్, ట్రాకింగ్, "
        "ఆర్డర్ రాలేదు, ఆర్డర్ అందలేదు, డిస్పాచ్, నా ఆర్డర్, ఆర్డర్ ఇంకా"
    ),
    "topic:billing": _cues(
        "రిఫండ్, రీఫండ్, డబ్బులు తిరిగి, డబ్బు తిరిగి, డబ్బులు కట్ అయ, డబ్బు కట్ అయ, "
        "అమౌంట్ కట్ అయ, డెబిట్ అయ, పేమెంట్, చెల్లింపు, బిల్లు, ఎక్కువ బిల్, ఛార్జ్ చేశ, "
        "చార్జ్ చేశ, అదనపు ఛార్జ్, ఎక్స్ట్రా ఛార్జ్, డబుల్ ఛార్జ్, క్యాష్బ్యాక్, "
        "ట్రాన్సాక్షన్, ఇన్వాయిస్"
    ),
    "topic:product_quality": _cues(
        "పగిలి, విరిగి, పని చేయడం లేదు, పనిచేయడం లేదు, పని చేయట్లేదు, పనిచేయట్లేదు, "
        "డ్యామేజ్, డిఫెక్ట్, లోపం, నాసిరకం, క్వాలిటీ, నాణ్యత, కుళ్ళి, కుళ్లి, పాడై, పాడయ్య, "
        "వేరే ప్రొడక్ట్, తప్పు ప్రొడక్ట్, నకిలీ, డూప్లికేట్, లీక్, ఎక్స్పైర్"
    ),
    "topic:support": _cues(
        "కస్టమర్ కేర్, కస్టమర్ సర్వీస్, కస్టమర్ సపోర్ట్, హెల్ప్లైన్, హెల్ప్ లైన్, "
        "కాల్ సెంటర్, ఏజెంట్, స్టాఫ్, సిబ్బంది, రిప్లై లేదు, రెస్పాన్స్ లేదు, స్పందన లేదు, "
        "సమాధానం లేదు, పట్టించుకోవడం లేదు, ఫోన్ ఎత్తడం లేదు, దురుసు, సపోర్ట్"
    ),
    "topic:website_app": _cues(
        "యాప్, వెబ్సైట్, వెబ్ సైట్, సైట్, సర్వర్, క్రాష్, హ్యాంగ్, పేజీ"
    ),
    "topic:pricing": _cues(
        "ధర ఎక్కువ, ధరలు, ధర పెంచ, ధర చాలా, అధిక ధర, రేటు, రేట్లు, రేట్ ఎక్కువ, ఖరీదు, "
        "ఖరీదైన, ప్రైస్, కాస్ట్లీ, చౌక"
    ),
    "topic:account": _cues(
        "అకౌంట్, ఖాతా, లాగిన్, లాగ్ ఇన్, పాస్వర్డ్, ఓటీపీ, ఓటిపి, బ్లాక్ చేశ, బ్లాక్ అయ్య, "
        "బ్లాక్ అయింది, ఐడీ, సైన్ ఇన్, ప్రొఫైల్, కేవైసీ"
    ),
    "feeling:frustrated": _cues(
        "విసుగు, విసిగి, చిరాకు, తలనొప్పి, ఓపిక నశించ, ఓపిక లేదు, విసిగిపో"
    ),
    "feeling:angry": _cues("కోపం, కోపంగా, కోపమొస్త, ఆగ్రహం, మండిపో, సిగ్గు లేదా"),
    "feeling:disappointed": _cues(
        "నిరాశ, నిరుత్సాహ, బాధగా, బాధపడ, బాధాకరం, నమ్మకం పోయింది, ఆశించలేదు, అసంతృప్తి"
    ),
    "feeling:confused": _cues(
        "అర్థం కావడం లేదు, అర్థం కాలేదు, అర్ధం కాలేదు, అర్థం కావట్లేదు, కన్ఫ్యూజ్, గందరగోళం, "
        "ఎలా చేయాలి, ఏం చేయాలో"
    ),
    "feeling:anxious": _cues("భయం, భయంగా, ఆందోళన, టెన్షన్, కంగారు, దిగులు"),
    "safety:safety": _cues(
        "మంటలు, అగ్ని ప్రమాదం, నిప్పు అంటుకు, పొగ వచ్చ, పొగలు, కాలిపోయ, కాలిన గాయ, "
        "చేయి కాలి, పేలిపోయ, పేలింది, పేలుడు, బ్లాస్ట్, కరెంట్ షాక్, షాక్ కొట్టి, "
        "షాక్ కొట్టింది, గాయం, గాయాలు, గాయపడ, రక్తం కారు, రక్తస్రావం, ఆసుపత్రిలో చేర్చ, "
        "హాస్పిటల్లో చేర్చ, ఆసుపత్రి పాలయ్య, ఫుడ్ పాయిజనింగ్, విషపూరిత, విష ఆహారం, వాంతులు, "
        "విరోచనాలు, అలర్జీ, అలెర్జీ, స్పృహ తప్పి, ఊపిరి ఆడ, గ్యాస్ లీక్, చిక్కుకుపోయాను, "
        "చిక్కుకుపోయాం, ఇరుక్కుపోయాను, ఇరుక్కుపోయాం, లిఫ్ట్లో ఇరుక్కు, మింగేశా, మింగేసి, "
        "అంబులెన్స్"
    ),
    "threat:threat": _cues(
        "చంపేస్తా, చంపుతా, చంపేస్తాం, నరికేస్తా, చచ్చిపోరా, చచ్చిపోండి, నువ్వు చచ్చిపో, "
        "చావండి, తగలబెడతా, ఇంటికొచ్చి కొడతా, నీ అంతు చూస్తా"
    ),
    "urgency:urgent": _cues("అర్జెంట్, అత్యవసరం, ఎమర్జెన్సీ, తక్షణమే"),
    "urgency:legal": _cues(
        "లాయర్, న్యాయవాది, కోర్టు, కేసు పెడ, కేసు వేస, పోలీస్ కంప్లైంట్, పోలీసులకు, "
        "వినియోగదారుల ఫోరం, కన్స్యూమర్ కోర్ట్, కన్స్యూమర్ ఫోరం, లీగల్"
    ),
    "urgency:time": _cues(
        "వెంటనే, ఈరోజే, ఈ రోజే, ఈ రాత్రి, రేపటికి, గంటల్లో, ఫ్లైట్, పెళ్లి, పెళ్ళి, త్వరగా"
    ),
    # Feelings said not to be felt ("not disappointed", "don't worry"): found, then dropped.
    "none:negated": _cues(
        "కంగారు పడకండి, కంగారు పడొద్దు, భయం లేదు, భయపడకండి, టెన్షన్ పడకండి, టెన్షన్ వద్దు, "
        "నిరాశ లేదు, కోపం లేదు, చిరాకు లేదు"
    ),
}
# fmt: on

# Romanised Hindi: the English lists already read the English words Hinglish posts use
# ("delivery", "refund", "app"); these add the Hindi ones. Threats and urgency in Hinglish are
# in ``signals_words`` (the abuse and urgency judges read Latin text there, language unknown).
# fmt: off
_HINGLISH: dict[str, tuple[str, ...]] = {
    "topic:discrimination": _cues("chhedchhad, chhedkhani, ashleel, gandi harkat, bhedbhav"),
    "topic:delivery": _cues(
        "saman nahi aaya, saman nahi mila, order nahi aaya, order nahi mila, parcel nahi, "
        "pahuncha nahi, nahi pahuncha, delivery boy, mera order, order abhi tak"
    ),
    "topic:billing": _cues(
        "paise kat gaye, paise kate, paise wapas, paise lautao, paise lauta do, "
        "double paise, zyada paise, paise kaat liye"
    ),
    "topic:product_quality": _cues(
        "toota, tooti, toote, toot gaya, kharab nikla, kharab nikli, kharab aaya, "
        "ghatiya quality, nakli, phata hua, phati hui, sada hua, sadi hui, kaam nahi kar, "
        "kaam nahi karta"
    ),
    "topic:support": _cues(
        "customer care wale, koi sunta nahi, jawab nahi, phone nahi uthate, "
        "call nahi uthate, badtameez, badtameezi"
    ),
    "topic:website_app": _cues("app nahi chal, site nahi khul, app band, app khul nahi"),
    "topic:pricing": _cues(
        "mehenga, mehnga, mahanga, mehngi, mehnge, sasta, daam, kimat, keemat, zyada paise"
    ),
    "topic:account": _cues(
        "mera khata, khata band, account band, id band, password bhool"
    ),
    "feeling:frustrated": _cues(
        "pareshan, pareshani, tang aa gaya, thak gaya, pak gaya, hadd ho gaya, had ho gaya, "
        "sirdard, jhanjhat, bahut ho gaya, paani sar se upar, pani sar se upar, "
        "bardasht nahi"
    ),
    "feeling:angry": _cues("gussa, naraz, bhadak, sharam karo, sharam nahi, besharam"),
    "feeling:disappointed": _cues(
        "nirash, mayus, bura laga, umeed nahi thi, dukh hua, dukhi, bharosa toot, "
        "bharosa uth"
    ),
    "feeling:confused": _cues(
        "samajh nahi aa, samajh nahi aaya, samajh nahi aata, samajh me nahi, kya matlab, "
        "pata nahi chal, kaise karu"
    ),
    "feeling:anxious": _cues("chinta, tension, dar lag, ghabra, fikar"),
    "safety:safety": _cues(
        "aag lag gaya, aag lagi, aag pakad, dhuan, dhuaan, haath jal, hath jal, "
        "jal gaya haath, blast ho gaya, battery phat, current laga, current lag gaya, "
        "shock laga, chot lagi, chot lag gaya, ghayal, khoon nikal, hospital me bharti, "
        "hospital mein bharti, ulti ho gaya, ultiyan, behosh, saans nahi, "
        "airport par phas gaya, station par phas gaya, lift me phas gaya, "
        "lift mein phas gaya, nigal liya"
    ),
    # Feelings said not to be felt ("not disappointed", "don't worry"): found, then dropped.
    "none:negated": _cues(
        "be fikar, befikar, tension mat, tension nahi, chinta mat, chinta nahi, "
        "pareshan mat, pareshan nahi, gussa nahi, naraz nahi, nirash nahi"
    ),
}
# fmt: on

INDIC_JUDGMENT_CUES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "bn": MappingProxyType(_BENGALI),
        "te": MappingProxyType(_TELUGU),
        "hi": MappingProxyType(_HINDI),
        "hi-Latn": MappingProxyType(_HINGLISH),
    }
)
