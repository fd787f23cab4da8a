"""The tables of ``language``: which script each code point belongs to, and which languages a
script is written in. Data only; how they are read is in ``listener.reading.language``.
"""

from __future__ import annotations

# (first, last code point, script), sorted. Letters outside are named by their Unicode name.
RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"), (0x0250, 0x02AF, "Latin"), (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0700, 0x074F, "Syriac"), (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"), (0x0870, 0x08FF, "Arabic"), (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"), (0x0A00, 0x0A7F, "Gurmukhi"), (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Oriya"), (0x0B80, 0x0BFF, "Tamil"), (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"), (0x0D00, 0x0D7F, "Malayalam"), (0x0D80, 0x0DFF, "Sinhala"),
    (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Lao"), (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"), (0x10A0, 0x10FF, "Georgian"), (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"), (0x1780, 0x17FF, "Khmer"), (0x1C80, 0x1C8F, "Cyrillic"),
    (0x1C90, 0x1CBF, "Georgian"), (0x1E00, 0x1EFF, "Latin"), (0x1F00, 0x1FFF, "Greek"),
    (0x2C60, 0x2C7F, "Latin"), (0x2DE0, 0x2DFF, "Cyrillic"), (0x2E80, 0x2FDF, "Han"),
    (0x3005, 0x3007, "Han"), (0x3040, 0x309F, "Hiragana"), (0x30A0, 0x30FF, "Katakana"),
    (0x3130, 0x318F, "Hangul"), (0x31F0, 0x31FF, "Katakana"), (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"), (0xA640, 0xA69F, "Cyrillic"), (0xA720, 0xA7FF, "Latin"),
    (0xA8E0, 0xA8FF, "Devanagari"), (0xA960, 0xA97F, "Hangul"), (0xAB30, 0xAB6F, "Latin"),
    (0xAC00, 0xD7FF, "Hangul"), (0xF900, 0xFAFF, "Han"), (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"), (0xFF21, 0xFF5A, "Latin"),
    (0xFF66, 0xFF9F, "Katakana"), (0xFFA0, 0xFFDC, "Hangul"),
    (0x1D400, 0x1D7FF, "Latin"),  # "mathematical" bold/italic letters of fancy-font posts
    (0x20000, 0x3134F, "Han"),
)  # fmt: skip
STARTS = [first for first, _, _ in RANGES]

# script → (language, confidence, caveat or ""); scripts absent here get no language.
SCRIPT_LANGUAGES: dict[str, tuple[str, float, str]] = {
    "Greek": ("el", 0.95, ""), "Armenian": ("hy", 0.95, ""), "Syriac": ("syr", 0.8, ""),
    "Thaana": ("dv", 0.95, ""), "Gurmukhi": ("pa", 0.95, ""), "Gujarati": ("gu", 0.95, ""),
    "Oriya": ("or", 0.95, ""), "Tamil": ("ta", 0.95, ""), "Telugu": ("te", 0.95, ""),
    "Kannada": ("kn", 0.95, ""), "Malayalam": ("ml", 0.95, ""), "Sinhala": ("si", 0.95, ""),
    "Thai": ("th", 0.95, ""), "Lao": ("lo", 0.95, ""), "Tibetan": ("bo", 0.9, ""),
    "Myanmar": ("my", 0.9, ""), "Georgian": ("ka", 0.95, ""), "Hangul": ("ko", 0.95, ""),
    "Khmer": ("km", 0.95, ""), "Japanese": ("ja", 0.95, ""),
    "Cyrillic": ("ru", 0.6, "Cyrillic also writes Ukrainian, Bulgarian, Serbian…: Russian assumed"),
    "Hebrew": ("he", 0.9, "Hebrew script also writes Yiddish: Hebrew assumed"),
    "Arabic": ("ar", 0.7, "Arabic script also writes Persian, Urdu…: Arabic assumed"),
    "Devanagari": ("hi", 0.7, "Devanagari also writes Marathi, Nepali: Hindi assumed"),
    "Bengali": ("bn", 0.9, "Bengali script also writes Assamese: Bengali assumed"),
    "Ethiopic": ("am", 0.8, "Ethiopic also writes Tigrinya: Amharic assumed"),
    "Han": ("zh", 0.85, "Han characters without kana: Chinese assumed"),
}  # fmt: skip

# script → (language, letters, how many needed); the first that matches wins.
SHARED_SCRIPT_CUES: dict[str, tuple[tuple[str, str, int], ...]] = {
    # Persian and Urdu write ی and ک where Arabic writes ي and ك; Gulf and Iraqi Arabic
    # borrow گ and چ, so those are no sign of Persian.
    "Arabic": (("ur", "ٹڈڑںےہ", 2), ("fa", "یک", 2)),
    "Cyrillic": (("uk", "їєґЇЄҐ", 1),),
    "Devanagari": (("mr", "ळ", 2),),
    "Bengali": (("as", "ৰ", 1),),  # not ৱ: Bengali typists use it for র
}
