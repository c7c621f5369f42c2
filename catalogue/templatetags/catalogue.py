from decimal import Decimal

from django import template
from django.template import engines
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from catalogue import languages
from catalogue.languages import (
    EN,
    chinese_page,
    in_page_order,
    kept_per_language,
    page_language,
    text_origin,
    translation_label,
    translation_mark_text,
)
from catalogue.markup import escaped
from catalogue.models import ReviewStatus

register = template.Library()


@register.tag
def frame(parser, token):
    """{% frame %}{% block title %}{% endblock %}…{% endframe %}: the page's frame,
    templates/jinja2/base.html, around the blocks that a page of Django's templates fills."""
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    return FrameNode(nodelist)


class FrameNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        extended = context.render_context.get(BLOCK_CONTEXT_KEY)
        # A block the page does not fill keeps the frame's own (a block the page fills with
        # nothing is filled, with nothing).
        blocks = {
            node.name: node.render(context)
            for node in self.nodelist
            if isinstance(node, BlockNode)
            and extended is not None
            and extended.get_block(node.name) is not node
        }
        page = engines["jinja2"].get_template("django_page.html")
        return page.render({**context.flatten(), "blocks": blocks})


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
def translation_mark(origin: str, review: str) -> SafeString:
    """A small mark after a translated text: the catalogue's own translation, and whether a
    curator has reviewed it; its words for screen readers and as a tooltip."""
    if not origin:  # no translation, no mark: most texts
        return SafeString("")
    return _translation_mark(get_language(), origin, review)


@kept_per_language  # the same for every text of this origin and review on a page
def _translation_mark(origin: str, review: str) -> SafeString:
    label = translation_label(origin, review)
    if not label:
        return SafeString("")
    reviewed = " tr-reviewed" if review == ReviewStatus.REVIEWED else ""
    label = escaped(label)
    # In the page's language, inside an English text's element.
    return SafeString(
        f'<span class="tr-mark{reviewed}" lang="{page_language()}" title="{label}">'
        f'<span aria-hidden="true">{escaped(translation_mark_text(review))}</span>'
        f'<span class="visually-hidden"> ({label})</span></span>'
    )


@register.simple_tag
def translation_status(origin: str, review: str) -> str:
    """Where an English text comes from and its review, in words (for provenance tables)."""
    return text_origin(origin, review)


@register.simple_tag(name="chinese_page")
def chinese_page_tag() -> bool:
    """{% chinese_page as ZH %}: whether Chinese comes first on this page."""
    return chinese_page()


@register.filter
def english_first(en) -> bool:
    """{% if text_en|english_first %}: whether this English text comes before its Chinese one
    on this page (an English page, and there is an English text)."""
    return languages.english_first(en)


@register.simple_tag
def names_in_page_order(zh, en, separator=" · ") -> str:
    """A Chinese name and its English one as plain text, the page's language first."""
    return separator.join(text for _, text in in_page_order(zh, en))


@register.simple_tag
def about_translations_url() -> str:
    return reverse("catalogue:about-translations")


@register.simple_tag
def bilingual(
    zh,
    en,
    pinyin="",
    parsed=None,
    element="span",
    secondary_class="name-alt",
    origin="",
    review="",
):
    """A Chinese text and its English one, the page's language first and the other beside it.

    An English text that is the catalogue's translation (``origin``) carries its mark and
    review status. Without an English text the pinyin, when given, stands in for it, after
    the Chinese. With `parsed` (a search), the words searched for are
    marked in both.
    """
    from catalogue.search.snippets import highlight_name

    def render(text):
        return highlight_name(text, parsed) if parsed is not None else text

    parts = [
        (tag, render(text), translation_mark(origin, review) if tag == EN else "")
        for tag, text in in_page_order(zh, en)
    ]
    if pinyin and not en:
        parts.append(("zh-Latn-pinyin", pinyin, ""))
    # A mark goes inside its text's element (a definition's paragraph, say). Built as one
    # string, not with format_html(): a record's page calls this dozens of times.
    element = escaped(element)
    secondary = f' class="{escaped(secondary_class)}"'
    return SafeString(
        " ".join(
            f'<{element} lang="{tag}"{secondary if i else ""}>{escaped(text)}{after}</{element}>'
            for i, (tag, text, after) in enumerate(parts)
        )
    )


@register.simple_tag
def citation(source) -> SafeString:
    """A source as a text cites it: its title, linked to its page, then its publisher and
    date when known, in the source's language."""
    cited = [f'<a href="{escaped(source.get_absolute_url())}">{escaped(source.title)}</a>']
    if source.publisher:
        cited.append(escaped(source.publisher))
    if source.published_on:
        cited.append(source.published_on.isoformat())
    # Written with escaped(), not format_html(): a record's page cites dozens of times.
    return SafeString(f'<cite lang="{escaped(source.language)}">{", ".join(cited)}</cite>')


@register.simple_tag
def requirement_item(r) -> SafeString:
    """One skill or knowledge requirement of a standard's outline, as a list item, its
    extraction problems marked."""
    notes = []
    if not r.structure_ok:
        notes.append(
            f' <strong class="problem-note">{escaped(gettext("structure doubtful"))}</strong>'
        )
    if r.note:
        notes.append(f' <span class="problem-note" lang="en">{escaped(r.note)}</span>')
    # Written with escaped(), not format_html(): an outline has hundreds of requirements.
    problem = ' class="problem"' if r.has_problem else ""
    return SafeString(
        f'<li{problem}><span class="number">{escaped(r.number)}</span> '
        f"{bilingual(r.text_zh, r.text_en)}{''.join(notes)}</li>"
    )


@register.filter
def get_index(sequence, index):
    """sequence[index] in a template, or None."""
    try:
        return sequence[index]
    except (IndexError, TypeError):
        return None


@register.simple_tag
def bilingual_field(
    record, field, pinyin="", parsed=None, element="span", secondary_class="name-alt"
):
    """bilingual() of a record's ``<field>_zh`` and ``<field>_en``, with the English text's
    origin and review (``<field>_en_origin``, ``<field>_en_review``)."""
    return bilingual(
        getattr(record, f"{field}_zh"),
        getattr(record, f"{field}_en"),
        pinyin,
        parsed,
        element,
        secondary_class,
        origin=getattr(record, f"{field}_en_origin", ""),
        review=getattr(record, f"{field}_en_review", ""),
    )


@register.simple_tag
def flags(occupation) -> SafeString:
    """An occupation's marks beside its name: S (digital), L (green), and draft."""
    marks = []
    if occupation.is_digital:
        marks.append(
            format_html(
                '<abbr class="flag flag-s" title="{}">S</abbr>',
                gettext("digital occupation (数字职业)"),
            )
        )
    if occupation.is_green:
        marks.append(
            format_html(
                '<abbr class="flag flag-l" title="{}">L</abbr>',
                gettext("green occupation (绿色职业)"),
            )
        )
    if occupation.status == "draft":
        marks.append(format_html(' <span class="flag flag-draft">{}</span>', gettext("draft")))
    return SafeString("".join(marks))


@register.simple_tag
def figure_card(figure) -> SafeString:
    """A figure from a source: the number with its unit, what it counts, where and when, the
    sentence stating it, verbatim, and its citation."""
    qualifier = (
        format_html('<span class="qualifier">{}</span> ', figure.qualifier)
        if figure.qualifier
        else ""
    )
    counts = " · ".join(str(part) for part in (figure.counts, figure.place, figure.as_of) if part)
    return format_html(
        '<figure class="figure">\n'
        '  <p class="figure-value" lang="en">{}{} <span class="unit">{}</span></p>\n'
        "  <figcaption>\n"
        '    <p class="figure-counts" lang="en">{}</p>\n'
        '    <blockquote class="excerpt" lang="{}">{}</blockquote>\n'
        "    {}\n"
        "  </figcaption>\n"
        "</figure>",
        qualifier,
        figure_value(figure.value),
        figure.unit,
        counts,
        figure.source.language,
        figure.excerpt,
        citation(figure.source),
    )
