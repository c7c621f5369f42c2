from decimal import Decimal

from django import template

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
