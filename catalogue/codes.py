"""The classification code's structure, in one place.

A code names its groups by its prefixes: 4-04-05-01 is an occupation of minor group 4-04-05,
of middle group 4-04, of major group 4 (the 2022 edition of the national classification). Every
place that needs a group from a code, or the rows under a group, asks here: validators, the
list's filters and facets, the home page's counts, the exports and the imports.
"""

import re

from django.db.models import Q, Value
from django.db.models.functions import Concat, Left

SEPARATOR = "-"
# Top down; an occupation's code is the longest.
LEVELS = ("major", "middle", "minor", "occupation")
GROUP_LEVELS = LEVELS[:-1]
# The length of each level's code, which is also its prefix of any code below it.
LENGTHS = {"major": 1, "middle": 4, "minor": 7, "occupation": 10}

MAJOR_CODE_RE = r"^[0-9]$"
MIDDLE_CODE_RE = r"^[0-9]-[0-9]{2}$"
MINOR_CODE_RE = r"^[0-9]-[0-9]{2}-[0-9]{2}$"
OCCUPATION_CODE_RE = r"^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"
PATTERNS = {
    "major": MAJOR_CODE_RE,
    "middle": MIDDLE_CODE_RE,
    "minor": MINOR_CODE_RE,
    "occupation": OCCUPATION_CODE_RE,
}


def level(code: str | None) -> str | None:
    """The level whose form the code has (major, middle, minor or occupation), or None."""
    if not code:
        return None
    return next((name for name, pattern in PATTERNS.items() if re.fullmatch(pattern, code)), None)


def prefix(code: str | None, of: str) -> str | None:
    """The code of the group at level ``of`` that the code is in (or is), or None when the
    code is empty or shorter than that level's."""
    length = LENGTHS[of]
    if not code or len(code) < length:
        return None
    return code[:length]


def parents(code: str) -> list[str]:
    """The codes of the groups the code is in, top down: 4-04-05-01 → 4, 4-04, 4-04-05.
    Empty for a malformed code."""
    found = level(code)
    if found is None:
        return []
    return [code[: LENGTHS[name]] for name in LEVELS[: LEVELS.index(found)]]


def is_under(code: str | None, group: str) -> bool:
    """The code is below the group (4-04-05 is under 4-04 and 4; 4-04 is not under 4-04)."""
    return bool(code) and code.startswith(f"{group}{SEPARATOR}")


def under(group, field: str = "code") -> Q:
    """The rows whose ``field`` is below the group: a code, or an expression such as F(parent)
    for a constraint. A startswith, which the code's pattern index answers."""
    if isinstance(group, str):
        return Q(**{f"{field}__startswith": f"{group}{SEPARATOR}"})
    return Q(**{f"{field}__startswith": Concat(group, Value(SEPARATOR))})


def prefix_expression(of: str, field: str = "code") -> Left:
    """The ORM expression for the level-``of`` group of the code in ``field``."""
    return Left(field, LENGTHS[of])


def prefix_sql(of: str, column: str) -> str:
    """The SQL expression for the level-``of`` group of the code in ``column`` (trusted SQL)."""
    return f"LEFT({column}, {LENGTHS[of]})"
