"""Turning Chinese and English text into tokens PostgreSQL's text search can index.

PostgreSQL has no Chinese parser: its default parser sees a run of Chinese characters as one
word. So Chinese text is indexed as overlapping character bigrams (人工智能 → 人工 工智 智能),
which lets any run of two or more characters match as a phrase of bigrams, and names also as
single characters. Names are indexed in pinyin too: syllables (ren gong zhi neng), every run of
two or more of them joined (rengong, gongzhi, … rengongzhineng, the whole name) and the initials
(rgzn).
"""

import re
import unicodedata
from functools import cache

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

# CJK Unified Ideographs and Extension A, and the compatibility block.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[0-9a-z]+")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case, no control characters."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(normalise(text))


@cache
def _converters() -> tuple:
    # OpenCC's character table (t2s) and its Taiwan phrase table (tw2sp: 軟體 → 软件).
    return opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp")


def simplified_readings(text: str) -> list[str]:
    """The text in simplified Chinese, by character and by Taiwan phrase, where either reading
    differs from it (none for text that is simplified already and has no such phrase)."""
    if not CJK_RUN.search(text or ""):
        return []
    readings = (converter.convert(text) for converter in _converters())
    return [reading for reading in dict.fromkeys(readings) if reading != text]


def bigrams(run: str) -> list[str]:
    """人工智能 → [人工, 工智, 智能]; a single character stays itself."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_tokens(text: str, *, unigrams: bool = False) -> str:
    """Space-separated bigrams of every Chinese run (and its characters, for names)."""
    parts = []
    for run in cjk_runs(text):
        parts.extend(bigrams(run))
        if unigrams and len(run) > 1:
            parts.extend(run)
    return " ".join(parts)


def pinyin_syllables(name_zh: str) -> list[str]:
    return [s for s in lazy_pinyin(name_zh, style=Style.NORMAL, errors="ignore") if s.isalpha()]


def pinyin_tokens(name_zh: str) -> str:
    """Syllables, every run of two or more of them joined, and the initials: 供应链 → gong ying
    lian gongying gongyinglian yinglian gyl.

    Each run is one word, so pinyin typed for part of a name (gongyinglian in
    数字供应链管理员) is looked up as that word in the index. As a phrase of syllables
    (gong <-> ying <-> lian) PostgreSQL checked it against the positions in the document of
    every row that has the three syllables anywhere: on 100,000 occupations, most of them.
    """
    syllables = pinyin_syllables(name_zh)
    if not syllables:
        return ""
    runs = [
        "".join(syllables[start:end])
        for start in range(len(syllables))
        for end in range(start + 2, len(syllables) + 1)
    ]
    return " ".join([*syllables, *runs, "".join(s[0] for s in syllables)])


@cache
def _syllable_set() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (ü written v), built once."""
    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = unicodedata.normalize("NFD", reading)
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            plain = plain.replace("ü", "v").lower()
            if plain.isalpha() and plain.isascii():
                syllables.add(plain)
    # Interjection readings (m, n, ng, hm...) would let almost any English word parse as pinyin.
    return frozenset(s for s in syllables if any(v in s for v in "aeiouv"))


def _plain(letter: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c))


@cache
def _letter_patterns() -> dict[str, str]:
    """For each letter that pypinyin's readings (an occupation's name_pinyin) write with a tone
    mark, a regular expression for its forms: a → [aàáāǎ], and, for the few that readings
    follow with a combining mark (m̀, ê̄), the marks it may have after it."""
    forms: dict[str, set[str]] = {}
    marks: dict[str, set[str]] = {}
    for readings in pinyin_dict.values():
        for before, c in zip(" " + readings, readings, strict=False):
            if unicodedata.combining(c):
                marks.setdefault(_plain(before), set()).add(c)
            elif not c.isascii():
                forms.setdefault(_plain(c), {_plain(c)}).add(c)
    patterns = {}
    for letter in forms.keys() | marks.keys():
        pattern = f"[{''.join(sorted(forms.get(letter, {letter})))}]"
        if letter in marks:
            pattern += f"[{''.join(sorted(marks[letter]))}]?"
        patterns[letter] = pattern
    return patterns


def pinyin_pattern(syllables: list[str] | tuple[str, ...]) -> str:
    """A regular expression (PostgreSQL's) for toneless syllables as whole syllables of a
    name_pinyin, whatever their tones: gong ying → (^| )g[oòóōǒ]ng y[iìíīǐ]ng( |$)."""
    patterns = _letter_patterns()
    letters = " ".join("".join(patterns.get(c, c) for c in syllable) for syllable in syllables)
    return f"(^| ){letters}( |$)"


def pinyin_like(syllables: list[str] | tuple[str, ...]) -> str:
    """A LIKE pattern that every name_pinyin pinyin_pattern() matches also matches, tested
    first because it is cheaper (PostgreSQL's regular expressions cost about 2 µs a name; 7,884
    names matched gongyinglian on 100,000 occupations): a letter that may carry a tone mark is
    any one character, or one or more for the few that a combining mark may follow (ê̄, m̀):
    gong ying → %g__g y__g%."""
    patterns = _letter_patterns()

    def letter(c: str) -> str:
        if c not in patterns:
            return c
        return "_%" if patterns[c].endswith("?") else "_"

    return f"%{' '.join(''.join(map(letter, syllable)) for syllable in syllables)}%"


def segment_pinyin(text: str) -> list[str] | None:
    """Split letters into pinyin syllables (rengongzhineng → ren gong zhi neng), fewest
    syllables first; None when the letters are not pinyin."""
    letters = re.sub(r"[\s']+", "", text.lower())
    if not letters.isalpha() or not letters.isascii() or len(letters) > 60:
        return None
    syllables = _syllable_set()
    best: list[list[str] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 6), end):
            piece = letters[start:end]
            if best[start] is not None and piece in syllables:
                candidate = [*best[start], piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1]


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(normalise(text))
