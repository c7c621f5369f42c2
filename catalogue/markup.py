"""Escaping for the Jinja2 templates' printed values and for code that writes a page's HTML in
pieces, as Django's conditional_escape() does it but without the lazy-string wrapper
(django.utils.functional.keep_lazy) of that function and of format_html(): on a record's page,
which escapes hundreds of values, the wrapper cost more than the escaping."""

import html

from django.utils.functional import Promise


def escaped(value) -> str:
    """The value as HTML: safe HTML as it is, anything else escaped as Django escapes it
    (``&#x27;`` for ', as html.escape() writes it)."""
    if type(value) is str:  # most values: asked first
        return html.escape(value)
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
