"""The numbers behind /insights/: each chart with the table and CSV it is drawn from.

Every insight is computed from the catalogue as the visitor may see it (drafts count for staff
only), in one query each, and says where its numbers come from.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .charts import Row, Series, bar_chart
from .languages import (
    english_first,
    first_language,
    first_name,
    text_origin,
    translation_label,
    translation_mark_text,
)
from .models import Announcement, Figure, MajorGroup, Occupation, SkillStandard

DIGITAL = Series(gettext_lazy("digital (S)"), "#5b2a9e", "swatch-s")
GREEN = Series(gettext_lazy("green (L)"), "#1f6b3a", "swatch-l")
COUNTED = Series(gettext_lazy("occupations"), "#0b5cad", "swatch-a")
STANDARD = Series(gettext_lazy("with a skill standard"), "#0b5cad", "swatch-a")
WEIGHTS = Series(gettext_lazy("with a weight table"), "#8a4b00", "swatch-w")
LEVELS = Series(gettext_lazy("with level-by-level requirements"), "#1f6b3a", "swatch-l")
ISSUED = Series(gettext_lazy("standards issued"), "#0b5cad", "swatch-a")

# Figures with these units count people or jobs and share one axis; percentages get their own.
HEADCOUNT_UNITS = {"people", "jobs"}
PERCENT_UNITS = {"%"}


@dataclass
class Insight:
    slug: str
    title: str
    summary: str
    columns: list[str]
    table: list[list]
    series: list[Series] = field(default_factory=list)
    chart: str = ""
    notes: list[str] = field(default_factory=list)
    # Per table row, the source it cites, for the figures.
    sources: list = field(default_factory=list)
    # Whether the chart shows names in the catalogue's own English translation.
    translated: bool = False

    @property
    def lines(self):
        """The table's rows with their cited source, for the template."""
        return zip(self.table, self.sources or [None] * len(self.table), strict=True)


def insights(user) -> list[Insight]:
    visible = Occupation.objects.visible_to(user)
    return [
        batches(visible),
        groups(visible),
        standards(visible),
        standards_per_year(visible),
        *figures(),
    ]


def insight(user, slug: str) -> Insight | None:
    """One insight by its slug, computing only what it needs."""
    visible = Occupation.objects.visible_to(user)
    builders = {
        "batches": batches,
        "groups": groups,
        "standards": standards,
        "standards-per-year": standards_per_year,
    }
    if slug in builders:
        return builders[slug](visible)
    return next((one for one in figures() if one.slug == slug), None)


def _batch_row(announcement, values, **kwargs) -> Row:
    """A batch's chart row, labelled in the page's language (a Chinese label with its date)."""
    english = announcement.english_label
    label = first_name(announcement.label, english)
    if not english_first(english):
        label = f"{announcement.date_display or '?'} {label}"
    return Row(label=label, values=values, lang=first_language(english), **kwargs)


def _issues(announcement) -> str:
    notes = [str(label) for label in announcement.get_data_issues_display()]
    if announcement.status == Announcement.Status.PUBLIC_CONSULTATION:
        notes.insert(
            0, str(_("under public consultation: proposed, not part of the classification"))
        )
    return "; ".join(notes)


def batches(visible) -> Insight:
    announcements = list(
        Announcement.objects.with_occupation_counts(visible).order_by("date", "batch_number")
    )
    rows = [_batch_row(a, [a.occupation_count], note=_issues(a)) for a in announcements]
    title = _("New occupations per announcement batch")
    summary = _(
        "How many occupations of each batch the Ministry of Human Resources and Social Security "
        "announced are in the catalogue, oldest batch first."
    )
    return Insight(
        slug="batches",
        title=title,
        summary=summary,
        columns=[_("Batch"), _("Date"), _("Occupations in the catalogue"), _("Known gaps")],
        table=[[a.label, a.date_display, a.occupation_count, _issues(a)] for a in announcements],
        series=[COUNTED],
        chart=bar_chart(rows, [COUNTED], title=title, description=summary, chart_id="batches"),
        notes=[_("Batch lists come from the announcements' reprints; see each batch's page.")],
    )


def groups(visible) -> Insight:
    majors = list(MajorGroup.objects.with_flag_counts(visible).order_by("code"))

    def share(part, whole):
        return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None

    rows = []
    for m in majors:
        english = english_first(m.name_en)
        status = translation_label(m.name_en_origin, m.name_en_review) if english else ""
        rows.append(
            Row(
                label=f"{m.code} {first_name(m.name_zh, m.name_en)}",
                values=[share(m.digital, m.total), share(m.green, m.total)],
                lang=first_language(m.name_en),
                mark=translation_mark_text(m.name_en_review) if status else "",
                extra={"mark_label": status},
            )
        )
    title = _("Digital (S) and green (L) share per major group")
    summary = _(
        "The share of each major group's occupations that the 2022 classification marks as "
        "digital (S) or green (L). An occupation may be both."
    )
    return Insight(
        slug="groups",
        title=title,
        summary=summary,
        columns=[
            _("Code"),
            _("Major group (Chinese)"),
            _("Major group (English)"),
            _("English name"),
            _("Occupations"),
            _("Digital (S)"),
            _("Digital share, %"),
            _("Green (L)"),
            _("Green share, %"),
        ],
        table=[
            [
                m.code,
                m.name_zh,
                m.name_en,
                text_origin(m.name_en_origin, m.name_en_review) if m.name_en else "",
                m.total,
                m.digital,
                share(m.digital, m.total),
                m.green,
                share(m.green, m.total),
            ]
            for m in majors
        ],
        series=[DIGITAL, GREEN],
        chart=bar_chart(
            rows,
            [DIGITAL, GREEN],
            title=title,
            description=summary,
            chart_id="groups",
            number_format=lambda value: f"{value}%",
        ),
        translated=any(row.mark for row in rows),
    )


def standards(visible) -> Insight:
    announcements = list(
        Announcement.objects.with_standard_coverage(visible).order_by("date", "batch_number")
    )
    rows = [
        _batch_row(a, [a.standardised, a.with_weights, a.with_levels], total=a.total)
        for a in announcements
    ]
    title = _("Skill-standard coverage of the new occupations")
    summary = _(
        "For each batch: how many of its occupations have a national vocational skill standard "
        "in the catalogue, how many a standard with its weight table, and how many a standard "
        "with its level-by-level requirements. The pale bar is the batch's number of "
        "occupations."
    )
    return Insight(
        slug="standards",
        title=title,
        summary=summary,
        columns=[
            _("Batch"),
            _("Date"),
            _("Occupations in the catalogue"),
            _("With a skill standard"),
            _("With a weight table"),
            _("With level-by-level requirements"),
        ],
        table=[
            [a.label, a.date_display, a.total, a.standardised, a.with_weights, a.with_levels]
            for a in announcements
        ],
        series=[STANDARD, WEIGHTS, LEVELS],
        chart=bar_chart(
            rows,
            [STANDARD, WEIGHTS, LEVELS],
            title=title,
            description=summary,
            chart_id="standards",
        ),
        notes=[
            _(
                "Standards come from OSTA's list, matched to occupations by name; weight tables "
                "and requirements were parsed from the standards' PDFs and are not yet checked "
                "against them."
            )
        ],
    )


def standards_per_year(visible) -> Insight:
    years = SkillStandard.objects.count_per_year(visible)
    matched = Series(_("of which matched to an occupation"), "#8a4b00", "swatch-w")
    rows = [Row(label=str(y["year"] or _("no date")), values=[y["n"], y["matched"]]) for y in years]
    title = _("National skill standards issued per year")
    summary = _(
        "How many of the standards on OSTA's list were issued in each year, and how many of "
        "those the catalogue matches to an occupation."
    )
    return Insight(
        slug="standards-per-year",
        title=title,
        summary=summary,
        columns=[_("Year"), _("Standards issued"), _("Matched to an occupation")],
        table=[[y["year"] or "", y["n"], y["matched"]] for y in years],
        series=[ISSUED, matched],
        chart=bar_chart(
            rows, [ISSUED, matched], title=title, description=summary, chart_id="standards-per-year"
        ),
        notes=[
            _(
                "Issue dates and document numbers are OSTA's; the list holds older editions "
                "beside newer ones and does not say which replaces which."
            )
        ],
    )


def figures() -> list[Insight]:
    every = list(Figure.objects.in_source_order())
    headcounts = sorted(
        (f for f in every if f.unit in HEADCOUNT_UNITS), key=lambda f: f.value, reverse=True
    )
    percentages = sorted(
        (f for f in every if f.unit in PERCENT_UNITS), key=lambda f: f.value, reverse=True
    )
    columns = [
        _("Figure"),
        _("Unit"),
        _("What it counts"),
        _("Where"),
        _("When"),
        _("Excerpt"),
        _("Source"),
        _("Source address"),
    ]

    def table(chosen):
        return [
            [
                f"{f.qualifier} {f.value.normalize():,f}".strip(),
                f.unit,
                f.counts,
                f.place,
                f.as_of,
                f.excerpt,
                f.source.title,
                f.source.url,
            ]
            for f in chosen
        ]

    def rows(chosen):
        return [
            Row(
                label=f"{f.counts}{' (' + f.place + ')' if f.place else ''}",
                values=[f.value.normalize()],
                lang="en",
            )
            for f in chosen
        ]

    number = Series(_("figure"), "#0b5cad", "swatch-a")

    def charted(slug, title, summary, chosen, number_format, notes=()):
        """A chart of these figures on one axis, with their table and citations."""
        return Insight(
            slug=slug,
            title=title,
            summary=summary,
            columns=columns,
            table=table(chosen),
            sources=[f.source for f in chosen],
            series=[number],
            chart=bar_chart(
                rows(chosen),
                [number],
                title=title,
                description=summary,
                chart_id=slug,
                number_format=number_format,
            ),
            notes=list(notes),
        )

    others = [f for f in every if f.unit not in HEADCOUNT_UNITS | PERCENT_UNITS]
    return [
        charted(
            "figures",
            _("People and jobs: the figures of the sources"),
            _(
                "Every headcount the two source articles give, largest first, each with the "
                "sentence that states it and its citation in the table."
            ),
            headcounts,
            lambda value: f"{value:,f}",
            notes=[
                _(
                    "Figures are quoted as the sources give them; “about” and “more than” are theirs."
                )
            ],
        ),
        charted(
            "percentages",
            _("Growth and shares, in per cent"),
            _("The percentages the source articles give, each cited in the table."),
            percentages,
            lambda value: f"{value:f}%",
        ),
        Insight(
            slug="other-figures",
            title=_("Other figures of the sources"),
            summary=_("Funds, events, companies and platforms: numbers that share no axis."),
            columns=columns,
            table=table(others),
            sources=[f.source for f in others],
        ),
    ]
