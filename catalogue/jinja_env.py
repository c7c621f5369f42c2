"""The Jinja2 environment of the templates under templates/jinja2/: every page's frame
(base.html: head, header, language switcher, footer), the whole of an occupation's page, the
catalogue's most-read and largest, which Django's template language took two thirds of an
uncached request to render (bench/profile_detail.py), and the list of occupations, every
search's page, where it took half. A page of Django's templates extends
templates/base.html, which hands its blocks to the same frame (the catalogue's ``frame`` tag).

It offers what those templates use of Django's: gettext as ``_`` (strings extracted by
makemessages like any template's ``_("…")``, so the Chinese interface keeps one catalogue),
plural messages by name (``counted()``), ``url()``, ``static()``, ``querystring()`` (given the
request), the ``date``, ``linebreaksbr`` and ``truncatechars`` filters; and the catalogue's own
template tags, which are plain functions: every piece of HTML has one owner, whichever engine
renders it.
"""

import functools
from types import SimpleNamespace

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.defaultfilters import date, linebreaksbr, truncatechars
from django.templatetags.static import static as static_address
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import get_language, ngettext
from jinja2 import Environment

from catalogue.addresses import address, bound_address
from catalogue.languages import interface_word
from catalogue.markup import escaped
from catalogue.templatetags import catalogue as tags


def url(name: str, *args) -> str:
    return address(name, *args)


@functools.cache
def static(path: str) -> str:
    """Django's static(), kept per process: a file's address is the same for every request
    until the static files change, and they change only with a deployment (Django keeps
    STATIC_URL and the storage's manifest per process too)."""
    return static_address(path)


@receiver(setting_changed)
def _forget_static_addresses(*, setting, **kwargs):
    # The settings that make Django make its static files storage again (django.test.signals).
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS"}:
        static.cache_clear()


# As in Django's templates: a template's own words, translated, are trusted (not escaped), and
# what is put into them, like every other value, is escaped the way Django escapes.
def translate(message: str) -> SafeString:
    return interface_word(get_language(), message)


def translate_plural(singular: str, plural: str, number: int) -> SafeString:
    return SafeString(ngettext(singular, plural, number))


# The templates' plural messages, written here, where makemessages finds them: it reads a
# template's ``_("…")``, not its ``ngettext()``.
PLURALS = {
    "occupations": lambda n: ngettext("%(counter)s occupation", "%(counter)s occupations", n),
    "more": lambda n: ngettext("(and %(counter)s more)", "(and %(counter)s more)", n),
}


def counted(name: str, number: int) -> SafeString:
    """``counted("occupations", 3)``: the plural message of that name for the number, with it."""
    return SafeString(PLURALS[name](number) % {"counter": number})


def bound_to_request(request) -> dict:
    """``_("…")`` and ``url()`` for a page rendered for a request (a context processor of this
    engine), bound to the request's language (and URLconf and script prefix) once instead of
    looking them up for each of the page's sixty messages and twenty links."""
    return {"_": functools.partial(interface_word, get_language()), "url": bound_address()}


def querystring(request, query_dict=None, **kwargs) -> str:
    """Django's {% querystring %}: the request's query (or ``query_dict``) with these
    parameters set, or taken out where None, as "?…"."""
    return defaulttags.querystring(SimpleNamespace(request=request), query_dict, **kwargs)


def interpolate(message, **values):
    """``_("page %(page)s")|format(page=…)``: the values escaped into a trusted message."""
    if isinstance(message, SafeData):
        return SafeString(message % {k: escaped(v) for k, v in values.items()})
    return message % values


def environment(**options) -> Environment:
    # Every value a template prints is escaped as Django escapes it (``&#x27;``, not Jinja2's
    # ``&#39;``) unless it is safe HTML already, by catalogue.markup.escaped(). Jinja2's own
    # autoescaping would then escape each again, to the same text, hundreds of times a page:
    # it is off, and what a block's super() or a {% set %} block gives back (plain text then)
    # is marked safe where it is printed.
    options["finalize"] = escaped
    options["autoescape"] = False
    # As in Django's templates, a file's last newline is part of what it writes: the page ends
    # with base.html's; a partial that is printed inside a line has none.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translate, translate_plural, newstyle=False)
    env.globals.update(
        url=url,
        static=static,
        bilingual=tags.bilingual,
        bilingual_field=tags.bilingual_field,
        citation=tags.citation,
        chinese_page=tags.chinese_page_tag,
        names_in_page_order=tags.names_in_page_order,
        figure_card=tags.figure_card,
        flags=tags.flags,
        requirement_item=tags.requirement_item,
        translation_mark=tags.translation_mark,
        translation_status=tags.translation_status,
        querystring=querystring,
        counted=counted,
    )
    env.filters.update(
        date=date,
        format=interpolate,
        linebreaksbr=linebreaksbr,
        truncatechars=truncatechars,
        english_first=tags.english_first,
        figure_value=tags.figure_value,
    )
    return env
