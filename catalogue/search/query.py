"""From what a person typed to a PostgreSQL text-search query.

A query is split into Chinese runs and Latin text. A Chinese run matches as a phrase of its
bigrams (a single character as itself). Latin text matches as English (stemmed, websearch syntax:
quotes, -word, or), with its last word also as a prefix while the person is typing, and, when its
letters read as pinyin, as a run of a name's syllables (gongyinglian), its start or the
initials.

A Chinese run of exactly three characters is a phrase of two bigrams, which PostgreSQL checks
against the positions in each candidate's document, read from TOAST: on 100,000 occupations
训练师's 25,855 matches took 145 ms. The narrow search rows (SearchRow) also index every such
run as one word without positions, so there it is looked up as that word instead (7 ms, the
same rows); ``trigram_search`` and ``other_search`` split the query so for them.

The catalogue's Chinese is simplified. Traditional input is read in simplified characters too,
character by character and, for Taiwan usage, phrase by phrase (人工智慧 → 人工智能, 軟體 → 软件):
each reading that differs is searched beside what was typed, so simplified input that the phrase
table would wrongly rewrite (程序 → 进程) still finds what it names.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery

from .text import bigrams, cjk_runs, normalise, segment_pinyin, simplified_readings

MAX_QUERY_LENGTH = 200
CODE_QUERY = re.compile(r"^\d(?:-\d{1,2}){0,3}-?$")
WEBSEARCH_SYNTAX = re.compile(r'["\-]|\bor\b')


@dataclass
class ParsedQuery:
    text: str  # cleaned, as shown back to the person
    code_prefix: str = ""  # the query is a classification code or its start
    search: SearchQuery | None = None  # None: nothing searchable (only punctuation, say)
    cjk: tuple[str, ...] = ()  # Chinese runs, with their simplified readings
    words: tuple[str, ...] = ()
    # The text as typed and its simplified readings: what an exact name or title must equal.
    exact_texts: tuple[str, ...] = ()
    # search, split for the search rows: the parts that are three-character runs, each as one
    # word of their trigrams; and the rest as in search (None for either when there is none).
    trigram_search: SearchQuery | None = None
    other_search: SearchQuery | None = None
    # The Latin text read as pinyin syllables (gongyinglian → gong ying lian), when it reads so.
    syllables: tuple[str, ...] = ()


def clean(query: str) -> str:
    """Printable, trimmed, at most MAX_QUERY_LENGTH characters."""
    text = "".join(ch for ch in (query or "") if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def _raw(tokens: list[str], operator: str) -> SearchQuery:
    # Only letters, digits and CJK characters reach here, so no tsquery syntax can leak in.
    return SearchQuery(f" {operator} ".join(tokens), search_type="raw", config="simple")


def _latin_query(text: str) -> tuple[SearchQuery | None, list[str]]:
    """The query for the Latin text, and its pinyin syllables (none when it is not pinyin)."""
    plain = re.sub(r"[^0-9a-z\s\"'\-]", " ", text)
    words = re.findall(r"[0-9a-z]+", plain)
    if not words:
        return None, []
    query = SearchQuery(plain, search_type="websearch", config="english")
    if WEBSEARCH_SYNTAX.search(plain):
        return query, []  # quotes, -word or "or": the person means exactly that
    raw = []  # alternative readings, each a raw tsquery over the unstemmed ('simple') tokens
    if re.search(r"[0-9a-z]$", plain):
        # Typing: the last word may be unfinished (supp → supply).
        raw.append(" & ".join([*words[:-1], f"{words[-1]}:*"]))
    syllables = segment_pinyin("".join(words))
    if syllables:
        # Every run of a name's syllables is a word of its document (search.text.pinyin_tokens).
        raw.append("".join(syllables))
        raw.append("".join(syllables) + ":*")
    if len(words) == 1 and words[0].isalpha() and 2 <= len(words[0]) <= 12:
        raw.append(f"{words[0]}:*")  # initials: rgzn → rgznxls
    if len(words) > 1 and raw:
        # The English reading of all but the last word, stemmed, with the last as a prefix.
        query |= SearchQuery(" ".join(words[:-1]), config="english") & _raw([f"{words[-1]}:*"], "&")
        raw = raw[1:]
    for alternative in dict.fromkeys(raw):
        query |= SearchQuery(alternative, search_type="raw", config="simple")
    return query, syllables or []


def _any(queries: list[SearchQuery]) -> SearchQuery:
    combined = queries[0]
    for query in queries[1:]:
        combined |= query
    return combined


def _all(queries: list[SearchQuery]) -> SearchQuery | None:
    if not queries:
        return None
    combined = queries[0]
    for query in queries[1:]:
        combined &= query
    return combined


def parse(query: str) -> ParsedQuery:
    text = clean(query)
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    if CODE_QUERY.match(text):
        parsed.code_prefix = text.rstrip("-")
        return parsed
    parsed.exact_texts = tuple(dict.fromkeys([text, *simplified_readings(text)]))
    lowered = normalise(text)
    runs = cjk_runs(lowered)
    parts = []
    trigram_parts = []
    other_parts = []
    readings = []
    for run in runs:
        alternatives = [run, *simplified_readings(run)]
        readings.extend(alternatives)
        part = _any([_raw(bigrams(alternative), "<->") for alternative in alternatives])
        parts.append(part)
        if all(len(alternative) == 3 for alternative in alternatives):
            trigram_parts.append(_any([_raw([alternative], "&") for alternative in alternatives]))
        else:
            other_parts.append(part)
    latin = re.sub(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", " ", lowered)
    latin_query, syllables = _latin_query(latin)
    if latin_query is not None:
        parts.append(latin_query)
        other_parts.append(latin_query)
    parsed.search = _all(parts)
    parsed.trigram_search = _all(trigram_parts)
    parsed.other_search = _all(other_parts)
    parsed.cjk = tuple(dict.fromkeys(readings))
    parsed.words = tuple(re.findall(r"[0-9a-z]+", latin))
    parsed.syllables = tuple(syllables)
    return parsed
