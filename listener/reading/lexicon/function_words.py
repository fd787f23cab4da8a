"""Very common function words per Latin-script language, for ``listener.reading.language``.

Written from general knowledge of each language (articles, pronouns, prepositions,
conjunctions, auxiliaries, negations, and the chat spellings people really type, such as
"dont", "vc", "yg", "nahi"); nothing here comes from the labelled datasets.

Format: language tag → whitespace-separated words, lower case. A word may appear under
several languages; its vote is then split between them (see ``word_weights``). A leading
``~`` marks a word as *weak* for that language: it is used there, but much less typically
than in the others that list it (Italian "hai" vs Hinglish "hai"), so it takes a smaller
share of the vote. Tokens keep a trailing apostrophe, so elisions are words too: "l'",
"qu'", "c'" (French/Italian) and "don'", "it'" (the first half of "don't", "it's").
"""

from __future__ import annotations

WEAK_SHARE = 0.3  # a weak listing counts this much next to a normal one

FUNCTION_WORDS: dict[str, str] = {
    "en": """
        the ~a an and or but of to in on at for with from by about as into than over under
        is are was were be been being am do does did have has had will would can could
        should shall may might must not ~no i you he she it we they me him her us them my
        your his its our their this that these those what which who whom when where why how
        there here if so just all ~hi some any very too also only then because get got dont
        cant didnt doesnt isnt wasnt wont youre thats im gonna wanna u ur don' can' didn'
        doesn' isn' wasn' aren' won' i' it' you' that' there' let' what' he' she' we' they'
        now more out up off after before again still even never always really much many most
        other every while
    """,
    "es": """
        el la los las un una unos unas y o de del al a en que es son está están esta estar
        ser fue era por para con sin sobre entre hasta desde no sí si pero más ~mas muy ya
        también tambien como cuando donde porque qué quién yo tú ~tu él ella nosotros ellos
        ellas usted me te se le les lo nos mi mis tus su sus este estos ese esa eso esto hay
        ~he han hoy todo todos nada algo siempre nunca bien hace tiene tengo puede soy eres
        estoy va voy vamos solo sólo ahora aquí aqui así asi otro otra pues mucho mucha
        muchos tan tanto poco nuestro nuestra vez ver hacer mismo cada aunque mientras hacia
        cómo cual cuál esos esas allí aún estaba tenía
    """,
    "fr": """
        le la les un une des du de et est à au aux en dans pour par sur avec sans sous chez
        ce cet cette ces qui que quoi ne pas ~plus je tu il elle on nous vous ils elles mon
        ma mes ton ta tes son sa ses notre votre nos vos leur leurs me te se lui ~y mais ou
        où donc ~car comme si tout tous toute très tres bien être avoir ai ~a ont sont suis
        était etait fait aussi alors encore rien jamais toujours moi toi ça ca cela quand là
        déjà deja avant après même quel quelle oui non l' d' j' c' n' qu' s' m' t' jusqu'
        aujourd' peu trop ici faire dit vais vont sera été avait avez avons soit autre
        autres beaucoup personne chaque ceux celle celui dont puis depuis pendant contre
    """,
    "de": """
        der die das und ist nicht ich du er sie es wir ihr ein eine einen einem einer zu mit
        auf für von den dem des im am an auch sich noch nur so wie was aber wenn dass daß
        oder bei aus nach mir mich dir dich uns euch ihm ihn kein keine schon mal doch man
        jetzt hier sind bin bist hat habe hast haben war wird werden kann muss will sehr
        immer alle mein meine dein deine vom zum zur beim ins über gegen ohne um durch bis
        weil denn ja nein gibt diese dieser dies wo warum also ab als ~nie ~da mehr gut
        heute viel viele nichts etwas dann dort sein seine ihre ihren unser unsere wieder
        ganz einfach hatte wurde wäre würde könnte sollte diesem diesen jeder jede alles
        selbst eigentlich
    """,
    "it": """
        il lo la i gli le un uno una di a da in con su per tra fra del della dei delle degli
        al alla ai alle nel nella nei sul sulla e ~ed o ma che non è sono sei ha hanno ho
        ~hai io tu lui lei noi voi loro mi ti ci vi si ne mio mia tuo tua suo sua questo
        questa quello quella come quando dove perché perche anche più piu molto tutto tutti
        ancora già gia solo sempre mai poi ora oggi qui qua cosa chi se niente proprio così
        cosi invece allora quindi l' un' dell' all' nell' dall' sull' c' po' fa fare stato
        stata essere sia può posso voglio devo tanto troppo poco tutta altro altra ogni sto
        sta stanno
    """,
    "pt": """
        o a os as um uma uns umas e é de do da dos das em no na nos nas ao à aos que para
        pra pro por pelo pela com sem não nao sim mais mas muito muita já ja também tambem
        como quando onde porque eu você voce vc ele ela nós eles elas me te se lhe meu minha
        meus minhas seu sua teu tua isso isto esse essa este esta aquele aquela aqui ali lá
        há tem tenho foi ser estar está estou vai vou ter era são só agora ainda nada tudo
        todo toda hoje ou até depois então tá né pq tb nem mesmo bem ver fazer faz estão
        estava tinha pode posso quero sempre nunca cada outro outra muitos pouco alguém
        ninguém aí
    """,
    "nl": """
        de het een en van ik je jij is dat die niet op te in voor met zijn er maar om ook
        als aan bij nog wat hij zij ze we wij naar uit dan of kan wordt was heb heeft hebben
        geen al door over mijn jouw zo nu meer deze dit wel toch hoe waar wie omdat moet
        gaan gaat u ons onze haar hem zal worden veel heel echt niets iets ben bent waren
        werd mag kunnen wil willen moeten zou jullie hun zich nooit altijd weer alleen alles
        iemand
    """,
    "id": """
        yang dan di ke dari ini itu untuk dengan tidak tak ada aku saya kamu dia kita kami
        mereka akan sudah udah belum juga bisa karena jadi kalau kalo tapi pada apa sama
        lagi aja saja banget gak ga nggak enggak dong sih deh nya yg dgn utk tdk lebih
        sangat masih harus mau bukan oleh atau seperti hanya semua ya gue gw lu kok adalah
        bahwa sedang telah pernah kenapa mengapa bagaimana siapa sini situ sana begitu gitu
        banyak sedikit bgt
    """,
    "tr": """
        ve bir bu da de ne için icin ile çok cok ama gibi daha var yok ben sen o biz siz
        onlar mi mı mu mü değil degil ~ki şu her en kadar sonra olarak olan diye bana beni
        seni sana onu ona bunu şey neden nasıl hiç ya ise veya hem artık zaten bile şimdi
        tamam benim senin şunu bunlar şöyle böyle hepsi bütün biraz sadece hala yine oldu
        olur olsun
    """,
    "pl": """
        i ~w z na się nie to że jest do o a jak ale co po tak za od tylko już mnie ja ty on
        ona ~my wy oni ten ta te tego tym jego jej ich czy dla przez bo jeszcze też ~by być
        był była było są będzie może bardzo kiedy gdzie tu tam wszystko nic sobie mi mam ma
        pod przy ~u ze bez który która które żeby nam wam im ją moje mój moja twój swój
        nasz jakiś kto dlaczego więc albo lub jednak nawet teraz
    """,
    "sv": """
        och i att det som en på är av för med till den har de inte om ett men var jag du han
        hon vi ni dem sig så från kan ska skulle vill när här där eller min mitt mina din
        ditt sin sitt sina hur vad vem nu bara också mycket efter utan över alla någon något
        ingen inget även då man mig dig honom henne oss er deras hennes hans blev blir bli
        finns aldrig alltid igen mer bra redan hade kommer gör göra
    """,
    "hi-Latn": """
        hai hain ~he ho hu hoon hun tha thi nahi nahin nhi nai ~mat kya kyu kyun kyon kab
        kaha kahan kaise kaisa kaisi kese kaun kon kitna mera meri mere tera teri tere
        hamara humara tumhara apna apni apne mujhe tujhe hume humein unka uska iska inka
        uske unke ka ki ke ko se me mein mai main aur ~or bhi hi ye yeh wo woh vo ab abhi
        phir ~fir ~jab agar lekin magar kyunki kyuki bas sirf kabhi yaha yahan waha wahan
        acha accha achha theek thik haan hona hota hoti hote hoga hogi raha rahi rahe rha
        rhi rhe karna karo karte karta karti kar kiya kiye diya liya gaya gya gayi gyi hua
        hui hue bhai yaar yar bahut bohot bhut kuch kuchh sab hum tum aap tu na to ~do par
        pe jo koi kisi ek ji wala wali wale waala ~h ne
    """,
}


LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "id": "Indonesian",
    "tr": "Turkish",
    "pl": "Polish",
    "sv": "Swedish",
    "hi-Latn": "romanised Hindi",
}

# Tell-tale letters → the languages above that write them (a vote split between them).
# Characters, not words: ¿ and ¡ count too. Capitals are derived where they exist.
LETTER_CUES: dict[str, tuple[str, ...]] = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",), "ã": ("pt",), "õ": ("pt",),
    "ç": ("fr", "pt", "tr"), "ê": ("fr", "pt"), "ô": ("fr", "pt"), "â": ("fr", "pt", "tr"),
    "œ": ("fr",), "è": ("fr", "it"), "ù": ("fr", "it"), "ì": ("it",), "ò": ("it",),
    "ß": ("de",), "ä": ("de", "sv"), "ö": ("de", "sv", "tr"), "ü": ("de", "tr"), "å": ("sv",),
    "ş": ("tr",), "ğ": ("tr",), "ı": ("tr",), "İ": ("tr",),
    "ł": ("pl",), "ą": ("pl",), "ę": ("pl",), "ś": ("pl",), "ź": ("pl",), "ż": ("pl",),
    "ć": ("pl",), "ń": ("pl",),
}  # fmt: skip


def word_weights() -> dict[str, dict[str, float]]:
    """word → {language: share of the word's vote}.

    A word listed normally under k languages gives each 1/k; weak listings take a smaller
    share. A word listed only weakly keeps a weak vote (the total is never scaled above 1).
    """
    listed: dict[str, dict[str, float]] = {}
    for language, words in FUNCTION_WORDS.items():
        for entry in words.split():
            word = entry.removeprefix("~")
            listed.setdefault(word, {})[language] = WEAK_SHARE if entry != word else 1.0
    weights: dict[str, dict[str, float]] = {}
    for word, shares in listed.items():
        total = max(sum(shares.values()), 1.0)
        weights[word] = {language: share / total for language, share in shares.items()}
    return weights
