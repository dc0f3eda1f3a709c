"""The stylesheet keeps one definition per selector, so a rule is changed in one place."""

import re
from collections import Counter
from pathlib import Path

from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR, "static", "css", "kylaan.css")


def _selectors(css: str) -> Counter:
    """How often each selector is given declarations, per media condition."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    counts: Counter = Counter()
    context: list[str] = []
    text = ""
    for token in re.findall(r"[^{}]+|[{}]", css):
        if token == "{":
            context.append(text.strip())
            text = ""
        elif token == "}":
            prelude = context.pop()
            if not prelude.startswith("@"):
                media = tuple(item for item in context if item.startswith("@"))
                for selector in prelude.split(","):
                    counts[(media, " ".join(selector.split()))] += 1
            text = ""
        else:
            text = token
    return counts


def test_each_selector_is_defined_once():
    twice = sorted(
        f"{' '.join(media)} {selector}".strip()
        for (media, selector), count in _selectors(STYLESHEET.read_text()).items()
        if count > 1
    )
    assert not twice, "Defined more than once: " + ", ".join(twice)


def test_the_check_finds_a_selector_defined_twice():
    assert _selectors(".a { color: red }\n.b, .a { margin: 0 }")[((), ".a")] == 2
