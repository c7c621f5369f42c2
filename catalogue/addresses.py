"""The addresses of the catalogue's pages, as reverse() gives them, at a fraction of its cost.

reverse() took about 30 µs a link (it walks the namespaces, rebuilds the language prefix and
matches every argument against the pattern again), and an occupation's page has twenty to
thirty links. address() asks reverse() once for placeholder slugs and puts a link's slugs in
their places: a slug is written into an address as it is (it needs no quoting), and the rest
of the address is the same for every request in a language.
"""

import functools
import re
from itertools import chain

from django.conf import settings
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What Django's slug converter accepts (django.urls.converters.SlugConverter).
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def address(viewname: str, *slugs) -> str:
    """reverse(viewname, args=slugs): quickly for a view whose arguments are all slugs."""
    return _address(_state(), viewname, *slugs)


def bound_address():
    """address() for the links of one page, with what it looks up bound once: a page's links
    share their URLconf, script prefix and language, and each lookup reads a thread-local."""
    return functools.partial(_address, _state())


def _state() -> tuple:
    # Whatever changes reverse()'s answer: the URLconf (a new resolver after
    # clear_url_caches()), the script prefix and the language prefix.
    return get_resolver(get_urlconf()), get_script_prefix(), get_language(), settings.LANGUAGE_CODE


def _address(state: tuple, viewname: str, *slugs) -> str:
    if not all(isinstance(slug, str) and _SLUG.fullmatch(slug) for slug in slugs):
        return reverse(viewname, args=slugs)  # as reverse() answers it: NoReverseMatch
    try:
        pieces = _pieces(*state, viewname, len(slugs))
    except NoReverseMatch:  # an argument that is no slug (an export's format): reverse()'s
        return reverse(viewname, args=slugs)
    return "".join(chain.from_iterable(zip(pieces, (*slugs, ""), strict=True)))


@functools.cache
def _pieces(resolver, script_prefix, language, default_language, viewname, count) -> tuple:
    """The address reverse() gives for `count` placeholder slugs, cut at each of them."""
    placeholders = [f"0-address-placeholder-{i}" for i in range(count)]
    url = reverse(viewname, urlconf=resolver.urlconf_name, args=placeholders)
    pieces = []
    for placeholder in placeholders:
        before, found, url = url.partition(placeholder)
        if not found or placeholder in url:
            raise ValueError(f"{viewname}: an argument is not written once into its address")
        pieces.append(before)
    return (*pieces, url)
