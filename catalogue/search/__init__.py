"""Search: text prepared in Python (CJK bigrams, pinyin), indexed and ranked by PostgreSQL."""
