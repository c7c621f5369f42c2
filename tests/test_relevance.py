"""The relevance set (tests/relevance_set.py) on the real catalogue: the seed and everything in
data/ imported as `make run` imports it. Each query must reach its required rank;
bench/search_relevance.py prints the hit rate and MRR per group."""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from catalogue.data_imports import import_all
from catalogue.models import Occupation
from catalogue.search.vocabulary import suggest

from .helpers import index_for_search
from .relevance_set import RELEVANCE_SET, rank_of


class RealCatalogueRelevanceTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        import_all(folder=Path(settings.CATALOGUE_DATA_DIR))
        index_for_search()

    def test_the_set_is_large_enough(self):
        groups = defaultdict(int)
        for group, *_ in RELEVANCE_SET:
            groups[group] += 1
        self.assertGreaterEqual(len(RELEVANCE_SET), 120)
        self.assertGreaterEqual(groups["everyday English"], 40)
        self.assertGreaterEqual(groups["colloquial Chinese"], 20)
        self.assertGreaterEqual(groups["traditional Chinese"], 10)

    def test_every_query_reaches_its_rank(self):
        for group, query, codes, required in RELEVANCE_SET:
            with self.subTest(group=group, query=query):
                rank = rank_of(query, codes)
                self.assertIsNotNone(rank, f"{query!r} finds none of {codes} in the top 20")
                self.assertLessEqual(rank, required)

    def test_everyday_words_get_no_suggestion_that_leads_away(self):
        # Words the catalogue answers need no "did you mean"; one it lacks gets a suggestion
        # only when that suggestion itself finds something.
        for query in ["nurse", "teacher", "software engineer", "electrician"]:
            with self.subTest(query):
                suggestion = suggest(query)
                if suggestion is not None:
                    self.assertTrue(Occupation.objects.published().search(suggestion).exists())
