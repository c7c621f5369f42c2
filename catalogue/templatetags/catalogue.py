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
