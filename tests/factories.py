import factory

from catalogue import codes, models


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    archived_text = "Ms. Li said: “The work is new and the rules are still being written.”"


class MajorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MajorGroup
        django_get_or_create = ["code"]

    code = "4"
    name_zh = "社会生产服务和生活服务人员"


class MiddleGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MiddleGroup
        django_get_or_create = ["code"]

    code = "4-04"
    name_zh = "信息传输、软件和信息技术服务人员"
    major_group = factory.SubFactory(
        MajorGroupFactory,
        code=factory.LazyAttribute(lambda o: codes.prefix(o.factory_parent.code, "major")),
    )


class MinorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MinorGroup
        django_get_or_create = ["code"]

    code = "4-04-05"
    name_zh = "软件和信息技术服务人员"
    middle_group = factory.SubFactory(
        MiddleGroupFactory,
        code=factory.LazyAttribute(lambda o: codes.prefix(o.factory_parent.code, "middle")),
    )


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Announcement

    key = factory.Sequence(lambda n: f"announcement-{n}")
    label = factory.Sequence(lambda n: f"第{n}批 新职业")


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Occupation

    code = factory.Sequence(lambda n: f"4-04-05-{n % 100:02d}")
    minor_group = factory.SubFactory(
        MinorGroupFactory,
        code=factory.LazyAttribute(lambda o: codes.prefix(o.factory_parent.code, "minor")),
    )
    name_zh = factory.Sequence(lambda n: f"测试职业{n}")
    name_en = factory.Sequence(lambda n: f"Test occupation {n}")
    slug = factory.Sequence(lambda n: f"test-occupation-{n}")
    status = models.Occupation.Status.PUBLISHED


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quote

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    text = "The work is new"
    speaker_name = "Ms. Li"


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Figure

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    excerpt = "200 million"
    value = 200_000_000
    unit = "people"
    counts = factory.Sequence(lambda n: f"people counted {n}")


class SkillStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SkillStandard

    key = factory.Sequence(lambda n: f"standard-{n}")
    occupation = factory.SubFactory(OccupationFactory)
    title = "国家职业技能标准"
    edition = factory.Sequence(lambda n: f"{2000 + n}年版")


def build_standard_outline(standard, *, levels=5, functions=2, contents=2, requirements=2):
    """A full level → function → work content → requirement tree under a standard."""
    for level in range(levels, 0, -1):
        standard_level = models.StandardLevel.objects.create(standard=standard, level=level)
        for f in range(functions):
            function = models.OccupationalFunction.objects.create(
                level=standard_level, position=f, number=str(f + 1), name_zh=f"职业功能{level}-{f}"
            )
            models.FunctionWeight.objects.create(
                level=standard_level,
                position=f,
                function_zh=function.name_zh,
                weight_pct=100 // functions,
            )
            for c in range(contents):
                content = models.WorkContent.objects.create(
                    function=function, position=c, name_zh=f"工作内容{level}-{f}-{c}"
                )
                for r in range(requirements):
                    for kind in models.Requirement.Kind.values:
                        models.Requirement.objects.create(
                            work_content=content,
                            kind=kind,
                            position=r,
                            text_zh=f"{kind}要求{level}-{f}-{c}-{r}",
                        )
