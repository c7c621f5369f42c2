"""Highlighted snippets for a page of results: the source text escaped, <mark> only."""

import re

from django.contrib.postgres.search import SearchHeadline
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery

START, STOP = "\x02", "\x03"  # never in catalogue text; replaced after escaping
SNIPPET_CHARS = 160


class Snippet(SafeString):
    """A snippet, knowing whether it is of the English definition (which may be a translation
    a page marks) or of the Chinese."""

    english = False


def _english(snippet: SafeString) -> Snippet:
    result = Snippet(snippet)
    result.english = True
    return result


def _mark(text: str) -> SafeString:
    # Safe: the text is escaped first; only our own markers become <mark> tags.
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


def _mark_runs(text: str, runs: tuple[str, ...]) -> str:
    """Mark each occurrence of the Chinese runs; cut around the first one."""
    if not runs:
        return text[:SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(r) for r in sorted(runs, key=len, reverse=True)))
    first = pattern.search(text)
    start = max(0, first.start() - 30) if first else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", excerpt)
    return ("…" if start else "") + marked + ("…" if start + SNIPPET_CHARS < len(text) else "")


def snippets(occupations, parsed: ParsedQuery) -> dict[int, SafeString]:
    """A snippet for each occupation of a page, in one query whatever the page size."""
    from catalogue.models import Occupation

    occupations = list(occupations)
    result: dict[int, SafeString] = {}
    english = {}
    if parsed.words and parsed.search is not None:
        with_english = [o.pk for o in occupations if o.definition_en]
        if with_english:
            english = dict(
                Occupation.objects.filter(pk__in=with_english)
                .annotate(
                    headline=SearchHeadline(
                        "definition_en",
                        parsed.search,
                        config="english",
                        start_sel=START,
                        stop_sel=STOP,
                        max_words=30,
                        min_words=15,
                    )
                )
                .values_list("pk", "headline")
            )
    for o in occupations:
        if o.pk in english and START in english[o.pk]:
            result[o.pk] = _english(_mark(english[o.pk]))
        elif o.definition_zh:
            result[o.pk] = _mark(_mark_runs(o.definition_zh, parsed.cjk))
        elif o.definition_en:
            result[o.pk] = _english(_mark(o.definition_en[:SNIPPET_CHARS]))
    return result


def highlight_name(name: str, parsed: ParsedQuery) -> SafeString:
    """A name with the query's Chinese runs and English words marked."""
    pieces = [re.escape(run) for run in parsed.cjk]
    pieces += [rf"\b{re.escape(word)}\w*" for word in parsed.words if len(word) >= 2]
    if not pieces or not name:
        return escape(name)
    pattern = re.compile("|".join(pieces), re.IGNORECASE)
    return _mark(pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", name))
