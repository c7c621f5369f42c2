import re
import unicodedata

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypinyin import Style, lazy_pinyin

from catalogue.models import AlternateTitle, Occupation, SearchRow
from catalogue.querysets import RowsByKey
from catalogue.search.query import MAX_QUERY_LENGTH, parse
from catalogue.search.text import _letter_patterns, pinyin_like, pinyin_pattern
from catalogue.search.vocabulary import suggest

from .factories import OccupationFactory, QuoteFactory
from .helpers import index_for_search
from .search_corpus import RELEVANCE_SET, TYPOS, build_competitors


def ranked(query, n=10):
    return list(Occupation.objects.search(query).by_relevance().values_list("slug", flat=True)[:n])


def pinyin_names_and_runs() -> tuple[list[str], set[tuple[str, ...]]]:
    """Pinyin of names as name_pinyin writes it (tone marks, ü, the combining marks of ê̄ and
    m̀), and every run of their syllables as typed, without tones."""
    names = [
        " ".join(lazy_pinyin(name, style=Style.TONE))
        for name in ["供应链管理师", "人工智能训练师", "旅游咨询师", "女装裁剪工", "嗯呣欸"]
    ] + ["ê̄ m̀ ḿ", "lǜ sè", "gòng yīng liàn", "ê̄ lǜ"]
    runs = set()
    for name in names:
        plain = unicodedata.normalize("NFD", name)
        syllables = "".join(c for c in plain if not unicodedata.combining(c)).split()
        for start in range(len(syllables)):
            for end in range(start + 1, len(syllables) + 1):
                runs.add(tuple(syllables[start:end]))
    return names, runs


class RelevanceTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        index_for_search()

    def test_relevance_set(self):
        self.assertGreaterEqual(len(RELEVANCE_SET), 40)
        for query, slug, top in RELEVANCE_SET:
            with self.subTest(query=query):
                self.assertIn(slug, ranked(query, top), f"{query!r}: {ranked(query, 5)}")

    def test_exact_matches_come_first(self):
        cases = {
            "4-04-05-05": "ai-trainer",  # code
            "人工智能训练师": "ai-trainer",  # Chinese name
            "AI TRAINER": "ai-trainer",  # English name, any case
            "anchor with goods": "internet-marketer",  # alternate title
            "数据标注员": "ai-trainer",  # job type
        }
        for query, slug in cases.items():
            with self.subTest(query=query):
                self.assertEqual(ranked(query, 1), [slug])

    def test_whole_name_matches_rank_above_text_matches(self):
        # 人工智能 is inside three names; the one named exactly more fully is not outranked by
        # an occupation whose text merely mentions it.
        top = ranked("人工智能", 3)
        self.assertEqual(
            set(top),
            {
                "ai-trainer",
                "ren-gong-zhi-neng-gong-cheng-ji-shu-ren-yuan",
                "sheng-cheng-shi-ren-gong-zhi-neng-xi-tong-ying-yong-yuan",
            },
        )

    def test_websearch_syntax(self):
        self.assertEqual(ranked('"supply chain" -manager'), [])
        self.assertIn("ai-trainer", ranked("trainer or marketer"))
        self.assertIn("internet-marketer", ranked("trainer or marketer"))
        self.assertEqual(ranked('"chain supply"'), [])  # a phrase keeps its order

    def test_ties_are_broken_by_code(self):
        for code, name in [
            ("4-04-05-93", "丙测试员"),
            ("4-04-05-91", "甲测试员"),
            ("4-04-05-92", "乙测试员"),
        ]:
            OccupationFactory(code=code, name_zh=name, name_en="", slug=f"t{code[-2:]}")
        index_for_search()
        # Three names of the same length rank equal and come in code order; a longer name follows.
        self.assertEqual(ranked("测试员"), ["t91", "t92", "t93", "information-security-tester"])

    def test_a_shorter_name_ranks_first_whatever_the_texts_say(self):
        wordy = OccupationFactory(
            code="4-04-05-91",
            name_zh="数据驯化训练师",
            name_en="",
            definition_zh="训练师训练模型。训练师标注数据。训练师评估训练效果。",
        )
        terse = OccupationFactory(
            code="4-04-05-92", name_zh="驯化训练师", name_en="", definition_zh="驯养动物。"
        )
        index_for_search()
        # Both names hold 训练师: the one with fewer other characters is the closer match, though
        # the other's definition says 训练师 three times (which a text rank would favour).
        order = ranked("训练师")
        self.assertLess(order.index(terse.slug), order.index(wordy.slug))
        # 人工智能训练师 and 数据驯化训练师 have seven characters each: code order.
        self.assertLess(order.index("ai-trainer"), order.index(wordy.slug))
        # The page's keys, from the facets' pass, and suggestions agree with the ORM's order.
        response = self.client.get(reverse("catalogue:occupation-list"), {"q": "训练师"})
        slugs = [o.slug for o in response.context["occupations"]]
        self.assertEqual(slugs[: len(order)], order)

    def test_typos_get_a_suggestion_that_finds_the_occupation(self):
        for typed, expected, slug in TYPOS:
            with self.subTest(typed=typed):
                self.assertEqual(suggest(typed), expected)
                self.assertEqual(ranked(expected, 1), [slug])

    def test_known_words_get_no_suggestion(self):
        self.assertIsNone(suggest("supply chain"))
        self.assertIsNone(suggest("人工智能"))

    def test_the_page_offers_the_suggestion_as_a_link(self):
        response = self.client.get(reverse("catalogue:occupation-list"), {"q": "suply chain"})
        self.assertContains(response, "Did you mean")
        self.assertContains(response, 'href="?q=supply+chain"')


class QueryParsingTests(TestCase):
    def test_hostile_input_is_cleaned_or_ignored(self):
        for query in [
            "",
            "   ",
            "\x00",
            "🙂",
            '"',
            "'",
            "; DROP TABLE x; --",
            "%_\\",
            "!!!",
            "a" * 10_000,
            "(((",
            "<->",
            "a:*",
            "& | !",
        ]:
            with self.subTest(query=query[:20]):
                parsed = parse(query)
                self.assertLessEqual(len(parsed.text), MAX_QUERY_LENGTH)
                list(Occupation.objects.search(parsed).by_relevance())  # no database error

    def test_code_queries(self):
        self.assertEqual(parse("4-04").code_prefix, "4-04")
        self.assertEqual(parse("4-04-05-05").code_prefix, "4-04-05-05")
        self.assertEqual(parse("4-04-").code_prefix, "4-04")
        self.assertEqual(parse("404").code_prefix, "")

    def test_empty_query_matches_nothing(self):
        OccupationFactory()
        self.assertFalse(Occupation.objects.search("   ").exists())


class PinyinTests(TestCase):
    def test_pinyin_for_part_of_a_name_is_one_word_of_the_document(self):
        inside = OccupationFactory(name_zh="数字供应链管理员", name_en="Digital supply chain clerk")
        start = OccupationFactory(name_zh="供应链管理师", name_en="Supply chain manager")
        by_job_type = OccupationFactory(name_zh="采购员", name_en="Buyer")
        by_job_type.job_types.create(name_zh="供应链采购员", name_en="Supply chain buyer")
        partly = OccupationFactory(name_zh="应链工", name_en="Chain worker")  # no gong before
        index_for_search()
        supply_chain = {inside.pk, start.pk, by_job_type.pk}
        for query, expected in [
            ("gongyinglian", supply_chain),
            # Three words, also read as words anywhere in the name: ying lian gong.
            ("gong ying lian", supply_chain | {partly.pk}),
            ("yinglian", supply_chain | {partly.pk}),
            ("gongyinglian guanli", {inside.pk, start.pk}),
            ("shuzigongying", {inside.pk}),
        ]:
            with self.subTest(query=query):
                # One word of the index, not a phrase checked against each row's positions.
                self.assertNotIn("<->", str(parse(query).search))
                found = set(Occupation.objects.search(query).values_list("pk", flat=True))
                self.assertEqual(found, expected)

    def test_the_like_tested_first_never_rejects_a_name_the_pattern_accepts(self):
        # Every run of syllables of these names, toneless as typed, against every name, in
        # PostgreSQL: where the regular expression holds, the LIKE tested before it does too;
        # and it does reject names (else it would be no use).
        names, runs = pinyin_names_and_runs()
        rejected = 0
        with connection.cursor() as cursor:
            for run in sorted(runs):
                cursor.execute(
                    "SELECT n ~ %s, n LIKE %s FROM unnest(%s::text[]) AS n",
                    [pinyin_pattern(run), pinyin_like(run), names],
                )
                for (matches, like), name in zip(cursor.fetchall(), names, strict=True):
                    with self.subTest(run=run, name=name):
                        self.assertTrue(like or not matches)
                    rejected += not like
        self.assertGreater(rejected, len(runs))

    def test_the_search_rows_toneless_pinyin_agrees_with_the_pattern(self):
        # The search rows test a name's own pinyin with a LIKE on their pinyin without tones
        # (written by migration 0021's trigger); occupations with the regular expression. For
        # every run of syllables of these names against every name, the two agree.
        names, runs = pinyin_names_and_runs()
        agreed = 0
        with connection.cursor() as cursor:
            for run in sorted(runs):
                cursor.execute(
                    "SELECT n ~ %s, ' ' || catalogue_toneless(n) || ' ' LIKE %s "
                    "FROM unnest(%s::text[]) AS n",
                    [pinyin_pattern(run), f"% {' '.join(run)} %", names],
                )
                for (pattern, toneless), name in zip(cursor.fetchall(), names, strict=True):
                    with self.subTest(run=run, name=name):
                        self.assertEqual(toneless, pattern)
                    agreed += pattern
        self.assertGreater(agreed, len(runs))

    def test_every_toned_letter_pypinyin_writes_loses_its_tone_in_the_search_rows(self):
        forms = {
            form: letter
            for letter, pattern in _letter_patterns().items()
            for form in re.findall(r"\[([^\]]*)\]", pattern)[0]
        }
        marks = "".join(
            "".join(re.findall(r"\[([^\]]*)\]", pattern)[1:])
            for pattern in _letter_patterns().values()
        )
        toned = "".join(forms)
        with connection.cursor() as cursor:
            cursor.execute("SELECT catalogue_toneless(%s), catalogue_toneless(%s)", [toned, marks])
            plain, no_marks = cursor.fetchone()
        self.assertEqual(plain, "".join(forms.values()))
        self.assertTrue(marks)
        self.assertEqual(no_marks, "")
        # And the trigger writes it, with the rest of the row.
        occupation = OccupationFactory(name_zh="供应链管理师")
        row = SearchRow.objects.get(pk=occupation.pk)
        self.assertEqual(row.pinyin_toneless, "gong ying lian guan li shi")
        self.assertEqual(row.name_pinyin, "gōng yìng liàn guǎn lǐ shī")

    def test_pinyin_of_the_own_name_ranks_above_a_job_types(self):
        own = OccupationFactory(
            name_zh="数字供应链管理员",
            name_en="Digital supply chain clerk",
            definition_zh="负责数字化采购、仓储、物流和客户服务等环节的协调与数据记录。" * 3,
        )
        by_job_types = OccupationFactory(name_zh="采购员", name_en="Buyer")
        by_job_types.job_types.create(name_zh="供应链采购员", name_en="Supply chain buyer")
        by_job_types.job_types.create(name_zh="供应链专员", name_en="Supply chain specialist")
        index_for_search()
        # Both match in their names' words; the own name's pinyin (gōng yìng liàn, whatever
        # the tones) puts it with the whole-name matches, as 供应链 does.
        self.assertEqual(parse("gongyinglian").syllables, ("gong", "ying", "lian"))
        self.assertEqual(ranked("gongyinglian"), [own.slug, by_job_types.slug])
        self.assertEqual(ranked("供应链"), [own.slug, by_job_types.slug])


class SearchPageTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        index_for_search()

    def test_empty_query_is_the_browse_list_in_code_order(self):
        response = self.client.get(reverse("catalogue:occupation-list"))
        codes = [o.code for o in response.context["occupations"] if o.code]
        self.assertEqual(codes, sorted(codes))

    def test_snippets_mark_matches_in_escaped_text(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        occupation.definition_en = (
            "Trains AI systems & labels data; if score < 5 then trainers check."
        )
        occupation.save()
        index_for_search()
        response = self.client.get(reverse("catalogue:occupation-list"), {"q": "trainer"})
        html = response.content.decode()
        self.assertIn("systems &amp; labels data; if score &lt; 5", html)
        self.assertIn("<mark>", html)
        marks = re.findall(r"<mark>(.*?)</mark>", html)
        self.assertTrue(all("trainer" in m.lower() for m in marks), marks)

    def test_chinese_snippet_marks_the_run(self):
        response = self.client.get(reverse("catalogue:occupation-list"), {"q": "智能训练"})
        self.assertContains(response, "<mark>智能训练</mark>")

    def test_hostile_queries_answer_a_normal_page(self):
        for query in [
            "   ",
            "x" * 10_000,
            "a\x00b",
            "🙂",
            '"',
            "'; DROP TABLE x; --",
            "%_\\",
            "<script>",
        ]:
            with self.subTest(query=query[:20]):
                response = self.client.get(reverse("catalogue:occupation-list"), {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "<script>")

    def count_queries(self, params):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("catalogue:occupation-list"), params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_a_search_page_runs_a_fixed_number_of_queries(self):
        # another search first: it reads the facets' groups and batches, kept for the version
        self.count_queries({"q": "管理", "major": "2"})
        few = self.count_queries({"q": "训练师"})
        many = self.count_queries({"q": "师"})
        self.assertGreater(Occupation.objects.search("师").count(), 10)
        self.assertEqual(few, many)
        self.assertEqual(
            self.count_queries({"q": "工程", "major": "2", "digital": "yes"}),
            self.count_queries({"q": "管理", "major": "4", "digital": "no"}),
        )
        self.assertLessEqual(many, 16)


class SearchIndexTests(TestCase):
    """On a catalogue large enough for the planner to care, search uses the GIN index."""

    @classmethod
    def setUpTestData(cls):
        from tests.factories import MinorGroupFactory

        minor = MinorGroupFactory(code="4-04-05")
        words = ["数据", "网络", "智能", "平台", "物流", "健康", "直播", "安全", "工业", "农业"]
        roles = ["管理师", "操作员", "工程技术人员", "服务师", "设计师"]
        occupations = [
            Occupation(
                code=None,
                kind="role",
                name_zh=f"{words[i % 10]}{words[(i // 10) % 10]}{roles[i % 5]}{i}",
                name_en=f"Synthetic role {i}",
                slug=f"synthetic-{i}",
                definition_zh=f"从事{words[(i // 7) % 10]}相关工作的人员。",
                status="published",
            )
            for i in range(4000)
        ]
        Occupation.objects.bulk_create(occupations, batch_size=1000)
        OccupationFactory(
            code="4-04-05-05",
            minor_group=minor,
            name_zh="人工智能训练师",
            name_en="AI trainer",
            slug="ai-trainer",
        )
        index_for_search()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_occupation")

    def test_search_uses_the_gin_index(self):
        for query in ["训练师", "AI trainer", "rgznxls", "rengong zhineng"]:
            with self.subTest(query=query):
                plan = Occupation.objects.search(query).by_relevance()[:25].explain()
                self.assertIn("occupation_search_gin", plan)
                self.assertNotIn("Seq Scan on catalogue_occupation", plan)

    def test_exact_names_are_looked_up_in_indexes(self):
        # The exact-name tiers of search() ask the titles, job types and synonyms for the text
        # as typed: each can be answered from an index (with sequential scans priced out, a
        # table without one is still read whole).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ["数据标注员", "Data annotator"]:
            with self.subTest(query=query):
                plan = Occupation.objects.search(query).by_relevance()[:25].explain()
                for table in ["jobtype", "alternatetitle", "searchsynonym"]:
                    self.assertNotIn(f"Seq Scan on catalogue_{table}", plan)

    def test_a_page_is_chosen_on_keys_then_loaded(self):
        searched = Occupation.objects.published().for_list().search("数据").by_relevance()
        for rows in [RowsByKey(searched), RowsByKey(searched, rows=Occupation.objects.for_list())]:
            for start in [0, 25, 375, 4000]:
                with self.subTest(rows=rows.rows, start=start):
                    self.assertEqual(
                        [o.pk for o in rows[start : start + 25]],
                        [o.pk for o in searched[start : start + 25]],
                    )
        with CaptureQueriesContext(connection) as queries:
            page = rows[25:50]
        self.assertEqual(len(page), 25)
        self.assertEqual(len(queries), 2)  # the keys, then their rows with their standards
        with self.assertNumQueries(0):  # the minor group and the standards came with the rows
            [(o.minor_group and o.minor_group.name_zh, list(o.skill_standards.all())) for o in page]
        # The sort over every match carries keys: the joins and columns are for 25 rows only.
        keys, loaded = queries[0]["sql"], queries[1]["sql"]
        self.assertRegex(keys, r'^SELECT "catalogue_occupation"\."id" AS "pk" FROM "\w+" WHERE')
        self.assertNotIn("JOIN", keys)
        self.assertTrue(keys.endswith("LIMIT 25 OFFSET 25"))
        # The rows are loaded by key alone: neither the search nor its ranking again.
        self.assertIn("JOIN", loaded)
        self.assertNotIn("@@", loaded)
        self.assertNotIn("ts_rank", loaded)
        # The only order is that of each row's standards, newest first.
        self.assertEqual(re.findall(r"ORDER BY \S+", loaded), ['ORDER BY U0."issued_on"'])

    def test_code_prefix_uses_the_pattern_index(self):
        plan = Occupation.objects.search("4-04-05").by_relevance()[:25].explain()
        self.assertRegex(
            plan,
            r"Index (Only )?Scan using (catalogue_occupation_code_|occupation_status_code_prefix)",
        )
        self.assertIn("~>=~ '4-04-05'", plan)  # a range scan on the pattern index


class SearchDocumentUpkeepTests(TestCase):
    """Saving anything a document is built from refreshes it when the transaction commits."""

    def test_document_follows_related_rows(self):
        with self.captureOnCommitCallbacks(execute=True):
            occupation = OccupationFactory(name_zh="人工智能训练师", name_en="AI trainer")
        self.assertEqual(ranked("rgznxls"), [occupation.slug])
        with self.captureOnCommitCallbacks(execute=True):
            AlternateTitle.objects.create(occupation=occupation, title="machine teacher")
        self.assertEqual(ranked("machine teacher"), [occupation.slug])
        with self.captureOnCommitCallbacks(execute=True):
            occupation.job_types.create(name_zh="数据标注员", name_en="Data labeller")
        self.assertEqual(ranked("数据标注员"), [occupation.slug])
        with self.captureOnCommitCallbacks(execute=True):
            occupation.job_types.all().delete()
        self.assertEqual(ranked("数据标注员"), [])

    def test_deleting_a_quote_removes_its_words_from_its_occupations(self):
        occupation = OccupationFactory(name_zh="人工智能训练师", name_en="AI trainer")
        with self.captureOnCommitCallbacks(execute=True):
            quote = QuoteFactory(text="The work is new")
            quote.occupations.add(occupation)
        self.assertEqual(ranked("work is new"), [occupation.slug])
        with self.captureOnCommitCallbacks(execute=True):
            quote.delete()
        self.assertEqual(ranked("work is new"), [])
