from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def figure_value(value) -> str:
    """A figure's number in full with thousands separators: 200,000,000 and 4.2, never 2E+8."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    return f"{number:,f}"


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def highlighted_name(name, parsed):
    from catalogue.search.snippets import highlight_name

    return highlight_name(name, parsed)


@register.simple_tag
def bilingual(zh, en, pinyin="", parsed=None, element="span", secondary_class="name-alt"):
    """A Chinese text and its English one, the page's language first and the other beside it.

    Without an English text the pinyin, when given, stands in for it, after the Chinese. With
    `parsed` (a search), the words searched for are marked in both.
    """
    from catalogue.search.snippets import highlight_name

    def render(text):
        return highlight_name(text, parsed) if parsed is not None else text

    parts = []
    if zh:
        parts.append(("zh-Hans", render(zh)))
    if en:
        parts.append(("en", render(en)))
    elif pinyin:
        parts.append(("zh-Latn-pinyin", pinyin))
    if en and zh and not translation.get_language().startswith("zh"):
        parts.reverse()
    return format_html_join(
        " ",
        '<{} lang="{}"{}>{}</{}>',
        (
            (element, tag, format_html(' class="{}"', secondary_class) if i else "", text, element)
            for i, (tag, text) in enumerate(parts)
        ),
    )


@register.filter
def get_index(sequence, index):
    """sequence[index] in a template, or None."""
    try:
        return sequence[index]
    except (IndexError, TypeError):
        return None
