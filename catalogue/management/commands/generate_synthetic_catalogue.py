"""A deterministic synthetic catalogue for benchmarks: realistic Chinese and English names and
definitions built from the vocabulary of real occupation names, and the parts a real record's page
carries, so that a page is measured with what real pages hold.

Every occupation has main tasks (3 to 10, about 6.5 on average; the real catalogue has 10,567
for 1,624 of its 1,671 occupations, 6.5 each), other titles (1 to 4: a curated title and titles
used in job ads; the real one has 1,643 job-ad titles on 413 occupations) and job types (1 to 3;
the real one has 70 on 37 occupations). Every occupation has each part, more than the real data,
so that every detail page renders every section.

Skill standards follow the real shares (data/README.md; counted from data/ files):
- 37.4 % of occupations have a standard with an issue date and a document number (624 of 1,671);
- 24.5 % have weight tables (410 of 1,671): five levels, 4 or 5 functions each, summing to 100
  (the real tables average 4.6 levels and 4.4 functions a level);
- 0.24 % have a full five-level outline (4 of 1,671: cn_skill_standard_requirements.csv holds
  the 工作要求 of four standards), at least one occupation in any catalogue: 4 functions a level,
  2 work contents a function, 3 skill and 3 knowledge requirements a work content (240 items;
  the real four average 280).
Standards with an outline have weights too; those with weights have a date and number.

Never run against a real catalogue: it refuses unless the catalogue is empty or --replace is given.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalogue.management import unbounded_statements
from catalogue.models import (
    AlternateTitle,
    FunctionWeight,
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationalFunction,
    OccupationTask,
    Quote,
    Requirement,
    SkillStandard,
    Source,
    StandardLevel,
    WorkContent,
)
from catalogue.search.documents import refresh_search_documents
from catalogue.search.vocabulary import rebuild_vocabulary

DOMAINS = [
    ("数据", "data"),
    ("智能", "intelligent"),
    ("网络", "network"),
    ("供应链", "supply chain"),
    ("物流", "logistics"),
    ("直播", "live streaming"),
    ("电商", "e-commerce"),
    ("医疗", "medical"),
    ("健康", "health"),
    ("教育", "education"),
    ("农业", "agricultural"),
    ("工业", "industrial"),
    ("机器人", "robot"),
    ("区块链", "blockchain"),
    ("云计算", "cloud computing"),
    ("信息安全", "information security"),
    ("能源", "energy"),
    ("环境", "environmental"),
    ("碳汇", "carbon sink"),
    ("建筑", "building"),
    ("交通", "transport"),
    ("金融", "financial"),
    ("保险", "insurance"),
    ("旅游", "tourism"),
    ("文化", "cultural"),
    ("体育", "sports"),
    ("游戏", "game"),
    ("动画", "animation"),
    ("影视", "film and television"),
    ("音乐", "music"),
    ("食品", "food"),
    ("纺织", "textile"),
    ("汽车", "automotive"),
    ("航空", "aviation"),
    ("海洋", "marine"),
    ("电力", "power"),
    ("化工", "chemical"),
    ("材料", "materials"),
    ("测绘", "surveying"),
    ("地质", "geological"),
    ("养老", "elderly care"),
    ("家政", "housekeeping"),
    ("餐饮", "catering"),
    ("会展", "exhibition"),
    ("广告", "advertising"),
    ("出版", "publishing"),
    ("虚拟现实", "virtual reality"),
    ("物联网", "internet of things"),
    ("无人机", "drone"),
    ("人工智能", "artificial intelligence"),
]
ROLES = [
    ("工程技术人员", "engineering technician"),
    ("管理师", "manager"),
    ("操作员", "operator"),
    ("服务师", "service specialist"),
    ("设计师", "designer"),
    ("运维员", "maintenance worker"),
    ("测试员", "tester"),
    ("分析师", "analyst"),
    ("训练师", "trainer"),
    ("技术员", "technician"),
    ("调试员", "commissioning worker"),
    ("咨询师", "consultant"),
    ("策划师", "planner"),
    ("营销师", "marketer"),
    ("审核员", "auditor"),
    ("评估师", "assessor"),
]
ACTIVITIES = [
    ("规划", "planning"),
    ("设计", "design"),
    ("开发", "development"),
    ("测试", "testing"),
    ("运营", "operation"),
    ("维护", "maintenance"),
    ("分析", "analysis"),
    ("培训", "training"),
    ("推广", "promotion"),
    ("质量控制", "quality control"),
    ("安全管理", "safety management"),
    ("数据标注", "data labelling"),
    ("客户服务", "customer service"),
    ("项目管理", "project management"),
]
LEVELS = [5, 4, 3, 2, 1]
# Shares of the real catalogue (see the docstring).
STANDARDS = 624 / 1671
WEIGHTS = 410 / 1671
OUTLINES = 4 / 1671


class Command(BaseCommand):
    help = "Fill an empty database with a deterministic synthetic catalogue (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--standards", type=float, default=STANDARDS, help="Share with a standard."
        )
        parser.add_argument(
            "--weights", type=float, default=WEIGHTS, help="Share with weight tables."
        )
        parser.add_argument(
            "--outlines", type=float, default=OUTLINES, help="Share with a five-level outline."
        )
        parser.add_argument("--quotes", type=float, default=0.01, help="Share with a quote.")
        parser.add_argument("--replace", action="store_true", help="Delete the catalogue first.")

    def handle(self, *args, count, seed, standards, weights, outlines, quotes, replace, **options):
        unbounded_statements()
        if Occupation.objects.exists() and not replace:
            raise CommandError("The catalogue is not empty; use --replace to delete it first.")
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            if replace:
                self._delete()
            minors = self._groups(count)
            occupations = self._occupations(rng, count, minors)
            self._record_parts(rng, occupations)
            self._standards(rng, occupations, standards, weights, outlines)
            self._quotes(rng, occupations, quotes)
            refresh_search_documents()
            words = rebuild_vocabulary()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"{len(occupations)} occupations, {len(minors)} minor groups, {words} vocabulary "
            f"words in {time.monotonic() - started:.0f} s"
        )

    def _delete(self):
        with connection.cursor() as cursor:
            tables = [
                model._meta.db_table
                for model in (
                    Occupation,
                    MajorGroup,
                    MiddleGroup,
                    MinorGroup,
                    Quote,
                    Source,
                    SkillStandard,
                )
            ]
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")

    def _groups(self, count):
        """Enough minor groups for every code to fit two digits (at most 99 per group)."""
        per_minor = 40
        needed = -(-count // per_minor)
        minors = []
        majors = [MajorGroup(code=str(m), name_zh=f"第{m}大类") for m in range(1, 9)]
        MajorGroup.objects.bulk_create(majors)
        middles, minor_objs = [], []
        for i in range(needed):
            major = 1 + i % 8
            middle = 1 + (i // 8) % 99
            minor = 1 + i // (8 * 99)
            middle_code = f"{major}-{middle:02d}"
            if i < 8 * 99:
                middles.append(
                    MiddleGroup(
                        code=middle_code, major_group_id=str(major), name_zh=f"中类{middle_code}"
                    )
                )
            code = f"{middle_code}-{minor:02d}"
            minor_objs.append(
                MinorGroup(code=code, middle_group_id=middle_code, name_zh=f"小类{code}")
            )
            minors.append(code)
        MiddleGroup.objects.bulk_create(middles, batch_size=2000)
        MinorGroup.objects.bulk_create(minor_objs, batch_size=2000)
        return minors

    def _occupations(self, rng, count, minors):
        objs, seen = [], set()
        for n in range(count):
            minor = minors[n % len(minors)]
            code = f"{minor}-{n // len(minors) + 1:02d}"
            (d1, e1), (d2, e2) = rng.sample(DOMAINS, 2)
            role_zh, role_en = rng.choice(ROLES)
            (a1, b1), (a2, b2) = rng.sample(ACTIVITIES, 2)
            name_zh = f"{d1}{d2}{role_zh}"
            name_en = f"{e1} {e2} {role_en}".capitalize()
            slug = f"synthetic-{code}"
            if name_zh in seen:  # keep names mostly distinct, as a real catalogue's are
                name_zh, name_en = f"{name_zh}（{n}）", f"{name_en} ({n})"
            seen.add(name_zh)
            objs.append(
                Occupation(
                    code=code,
                    minor_group_id=minor,
                    name_zh=name_zh,
                    name_en=name_en if rng.random() < 0.6 else "",
                    slug=slug,
                    definition_zh=f"运用{d1}和{d2}相关技术与工具，从事{a1}、{a2}等工作的人员。",
                    definition_en=f"Uses {e1} and {e2} technology and tools for {b1} and {b2}.",
                    is_digital=rng.random() < 0.3,
                    is_green=rng.random() < 0.1,
                    status=Occupation.Status.PUBLISHED,
                )
            )
        for obj in objs:
            obj.refresh_derived_fields()
        return Occupation.objects.bulk_create(objs, batch_size=5000)

    def _record_parts(self, rng, occupations):
        """Tasks, other titles and job types on every occupation, each part with its source."""
        tasks, job_ads, job_types = (
            Source.objects.create(key=f"synthetic-{key}", kind=Source.Kind.DATASET, title=title)
            for key, title in [
                ("tasks", "Synthetic main tasks (benchmark data)"),
                ("job-ads", "Synthetic job-ad titles (benchmark data)"),
                ("job-types", "Synthetic job types (benchmark data)"),
            ]
        )
        task_rows, title_rows, job_type_rows = [], [], []
        for o in occupations:
            for p, ((a, b), (d, e)) in enumerate(
                zip(
                    rng.choices(ACTIVITIES, k=rng.randint(3, 10)),
                    rng.choices(DOMAINS, k=10),
                    strict=False,
                ),
                start=1,
            ):
                task_rows.append(
                    OccupationTask(
                        occupation=o,
                        position=p,
                        text_zh=f"负责{d}领域的{a}工作，制定方案并组织实施。",
                        text_en=f"Carries out {b} work in {e}, plans it and sees it through.",
                        source=tasks,
                        source_record=o.pk,
                    )
                )
            title_rows.append(
                AlternateTitle(occupation=o, title=f"{o.name_zh}（曾用名）", language="zh-Hans")
            )
            for role_zh, _ in rng.sample(ROLES, rng.randint(0, 3)):
                title_rows.append(
                    AlternateTitle(
                        occupation=o,
                        title=f"{o.name_zh[:2]}{role_zh}",
                        language="zh-Hans",
                        kind=AlternateTitle.Kind.JOB_AD,
                        source=job_ads,
                    )
                )
            for p, ((d, e), (role_zh, role_en)) in enumerate(
                list(zip(rng.sample(DOMAINS, 3), rng.sample(ROLES, 3), strict=True))[
                    : rng.randint(1, 3)
                ]
            ):
                job_type_rows.append(
                    JobType(
                        occupation=o,
                        position=p,
                        name_zh=f"{d}{role_zh}",
                        name_en=f"{e} {role_en}".capitalize(),
                        announced_in="人社厅发〔2024〕1号",
                        source=job_types,
                    )
                )
        OccupationTask.objects.bulk_create(task_rows, batch_size=5000)
        # Job-ad titles made from a prefix may repeat within an occupation: keep the first.
        AlternateTitle.objects.bulk_create(title_rows, batch_size=5000, ignore_conflicts=True)
        JobType.objects.bulk_create(job_type_rows, batch_size=5000)

    def _standards(self, rng, occupations, standards_share, weights_share, outlines_share):
        """Standards, weights and outlines on shares of the occupations, each a subset of the
        one before: an outline's standard has weights, a weighted one a date and number."""
        count = len(occupations)
        shuffled = rng.sample(occupations, count)
        with_standard = shuffled[: round(standards_share * count)]
        with_weights = round(weights_share * count)
        with_outline = max(1, round(outlines_share * count)) if outlines_share else 0
        source = Source.objects.create(
            key="synthetic-standards",
            kind=Source.Kind.DATASET,
            title="Synthetic skill standards (benchmark data)",
        )
        standards = SkillStandard.objects.bulk_create(
            [
                SkillStandard(
                    key=f"synthetic-{o.pk}",
                    occupation=o,
                    title=f"国家职业技能标准 {o.name_zh}",
                    edition="合成",
                    code_in_standard=o.code,
                    issued_on=f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-15",
                    document_number=f"人社厅发〔20{rng.randint(15, 25)}〕{rng.randint(1, 150)}号",
                    match_method=SkillStandard.Match.EXACT,
                    source=source,
                    weights_source=source if n < with_weights else None,
                    text_source=source if n < with_outline else None,
                )
                for n, o in enumerate(with_standard)
            ],
            batch_size=5000,
        )
        levels = StandardLevel.objects.bulk_create(
            [
                StandardLevel(
                    standard=s,
                    level=level,
                    content_status=StandardLevel.Content.EXTRACTED if n < with_outline else "",
                )
                for n, s in enumerate(standards[:with_weights])
                for level in LEVELS
            ],
            batch_size=5000,
        )
        weights = []
        for level in levels:
            functions = rng.sample(ACTIVITIES, rng.randint(4, 5))
            shares = [rng.randint(1, 4) for _ in functions]
            pcts = [100 * share // sum(shares) for share in shares]
            pcts[0] += 100 - sum(pcts)
            weights += [
                FunctionWeight(
                    level=level, position=p, function_zh=zh, function_en=en, weight_pct=w
                )
                for p, ((zh, en), w) in enumerate(zip(functions, pcts, strict=True))
            ]
        FunctionWeight.objects.bulk_create(weights, batch_size=5000)
        outlined = {s.pk for s in standards[:with_outline]}
        self._outlines(rng, [lv for lv in levels if lv.standard.pk in outlined])

    def _outlines(self, rng, levels):
        functions = OccupationalFunction.objects.bulk_create(
            [
                OccupationalFunction(
                    level=level, position=p, number=str(p), name_zh=zh, name_en=en.capitalize()
                )
                for level in levels
                for p, (zh, en) in enumerate(rng.sample(ACTIVITIES, 4), start=1)
            ],
            batch_size=5000,
        )
        contents = WorkContent.objects.bulk_create(
            [
                WorkContent(
                    function=f,
                    position=p,
                    number=f"{f.number}.{p}",
                    name_zh=f"{f.name_zh}{rng.choice(ACTIVITIES)[0]}",
                )
                for f in functions
                for p in range(1, 3)
            ],
            batch_size=5000,
        )
        Requirement.objects.bulk_create(
            [
                Requirement(
                    work_content=c,
                    kind=kind,
                    position=p,
                    number=f"{c.number}.{p}",
                    text_zh=f"能够{c.name_zh}，掌握{rng.choice(DOMAINS)[0]}{rng.choice(ACTIVITIES)[0]}方法",
                    text_en=f"Can carry out {rng.choice(ACTIVITIES)[1]} using {rng.choice(DOMAINS)[1]} methods",
                )
                for c in contents
                for kind in ("skill", "knowledge")
                for p in range(1, 4)
            ],
            batch_size=5000,
        )

    def _quotes(self, rng, occupations, share):
        chosen = [o for o in occupations if rng.random() < share]
        lines = [
            f"I work as a {o.name_en or 'specialist'} and the {rng.choice(ACTIVITIES)[1]} keeps changing."
            for o in chosen
        ]
        source = Source.objects.create(
            key="synthetic-interviews",
            title="Synthetic interviews (benchmark data)",
            archived_text="\n".join(lines),
        )
        position = 0
        quotes = []
        for line in lines:
            quotes.append(
                Quote(source=source, position=position, text=line, speaker_name="Synthetic speaker")
            )
            position += len(line) + 1
        quotes = Quote.objects.bulk_create(quotes, batch_size=5000)
        Quote.occupations.through.objects.bulk_create(
            [
                Quote.occupations.through(quote=q, occupation=o)
                for q, o in zip(quotes, chosen, strict=True)
            ],
            batch_size=5000,
        )
