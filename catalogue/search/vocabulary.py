"""The catalogue's own English vocabulary, and "did you mean" suggestions drawn from it.

The vocabulary is the words of names, titles, job types, definitions and tasks: not of quotes,
whose words are the speakers' and would lead a search away from the catalogue's own terms.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models.functions import Length

from .text import latin_words

MIN_LENGTH = 3


def letter_bigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return sorted({padded[i : i + 2] for i in range(len(padded) - 1)})


_WORDS_SQL = """
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('simple', search_en_a || ' ' || search_en_b || ' ' || search_en_c)
    FROM catalogue_occupation {where}
    UNION ALL
    SELECT to_tsvector('simple', text_en) FROM catalogue_occupationtask {where_task}
$$)
"""


def _words(ids: str = "") -> list[tuple[str, int]]:
    where = f"WHERE id IN ({ids})" if ids else ""
    where_task = f"WHERE occupation_id IN ({ids})" if ids else ""
    with connection.cursor() as cursor:
        cursor.execute(_WORDS_SQL.format(where=where, where_task=where_task))
        return [
            (word, count)
            for word, count in cursor.fetchall()
            if word.isalpha() and word.isascii() and MIN_LENGTH <= len(word) <= 60
        ]


def rebuild_vocabulary() -> int:
    """Replace the vocabulary with the words of every search document and their frequency."""
    from catalogue.models import SearchTerm

    words = _words()
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=w, frequency=n, bigrams=letter_bigrams(w)) for w, n in words],
        batch_size=5000,
    )
    return len(words)


def add_terms(occupation_ids: Iterable[int]) -> None:
    """Add the words of these occupations' documents that the vocabulary lacks."""
    from catalogue.models import SearchTerm

    ids = ",".join(str(int(i)) for i in occupation_ids)
    if not ids:
        return
    words = _words(ids)
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=w, frequency=n, bigrams=letter_bigrams(w)) for w, n in words],
        ignore_conflicts=True,
    )


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (adjacent swaps count once), stopping early past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest_term(word: str) -> str | None:
    """The vocabulary word nearest to a word the vocabulary lacks, or None."""
    from catalogue.models import SearchTerm

    if len(word) < MIN_LENGTH or SearchTerm.objects.filter(term=word).exists():
        return None
    limit = 1 if len(word) <= 4 else 2 if len(word) <= 8 else 3
    candidates = (
        SearchTerm.objects.annotate(length=Length("term"))
        .filter(
            bigrams__overlap=letter_bigrams(word),
            length__gte=len(word) - limit,
            length__lte=len(word) + limit,
        )
        .values_list("term", "frequency")
    )
    scored = []
    for term, frequency in candidates.order_by("-frequency")[:2000]:
        distance = edit_distance(word, term, limit)
        if distance <= limit:
            scored.append((distance, -frequency, term))
    return min(scored)[2] if scored else None


def suggest(query: str) -> str | None:
    """The query with each unknown English word replaced by its closest catalogue word, when
    that reads differently from the query and finds published occupations; else None."""
    from catalogue.models import Occupation

    from .query import parse

    words = latin_words(query)
    if not words:
        return None
    corrected = [closest_term(w) or w for w in words]
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    with connection.cursor() as cursor:
        # "engineers" for "engineer" is no suggestion: both search for the same stem.
        cursor.execute(
            "SELECT plainto_tsquery('english', %s) = plainto_tsquery('english', %s)",
            [" ".join(words), suggestion],
        )
        (same,) = cursor.fetchone()
    if same or not Occupation.objects.published().matching(parse(suggestion)).exists():
        return None
    return suggestion
