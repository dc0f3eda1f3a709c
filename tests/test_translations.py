"""Every user-facing string has a Finnish and a Swedish translation.

Runs `makemessages` exactly as the Makefile's `messages` target does, but on a temporary copy of
the source tree so the working tree is never touched, then asks gettext's `msgattrib` for entries
that are untranslated (new strings land here too) or fuzzy.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LANGUAGES = ["fi", "sv"]
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", "venv", "var", ".git", "__pycache__", "*.pyc", "*.mo", ".pytest_cache", ".ruff_cache",
    "test-results", "node_modules",
)  # fmt: skip

pytestmark = pytest.mark.skipif(
    shutil.which("msgattrib") is None and os.environ.get("CI") != "true",
    reason="gettext is not installed (apt-get install gettext)",
)


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """The catalogues as `make messages` would leave them, built in a throwaway copy."""
    copy = tmp_path_factory.mktemp("messages") / "src"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_SOURCE, symlinks=True)
    env = {**os.environ, "DEBUG": "true", "SECRET_KEY": "translation-check"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            *(f"--locale={language}" for language in LANGUAGES),
            "--ignore=.venv",
            "--ignore=var",
            "--no-obsolete",
            "--verbosity=0",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy / "locale"


def _entries(catalogue: Path, flag: str) -> list[str]:
    """The msgids that msgattrib selects with `flag`, without the header entry."""
    result = subprocess.run(
        ["msgattrib", flag, "--no-wrap", "--no-location", str(catalogue)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [
        line.removeprefix("msgid ")
        for line in result.stdout.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_untranslated_strings(fresh_catalogues, language):
    catalogue = fresh_catalogues / language / "LC_MESSAGES" / "django.po"
    untranslated = _entries(catalogue, "--untranslated")
    assert not untranslated, (
        f"{len(untranslated)} strings have no {language} translation: run `make messages`, "
        f"translate them in locale/{language}/LC_MESSAGES/django.po, run `make compilemessages` "
        "and commit the .po file:\n" + "\n".join(untranslated)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_translations(fresh_catalogues, language):
    catalogue = fresh_catalogues / language / "LC_MESSAGES" / "django.po"
    fuzzy = _entries(catalogue, "--only-fuzzy")
    if '#, fuzzy\nmsgid ""\n' in catalogue.read_text(encoding="utf-8"):
        fuzzy.append("(the catalogue header)")
    assert not fuzzy, (
        f"Check these {language} translations, then remove their '#, fuzzy' line:\n"
        + "\n".join(fuzzy)
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", ["Käyttäjätunnus", "Salasana"]), ("sv", ["Användarnamn", "Lösenord"])],
)
def test_django_own_strings_are_translated_too(language, expected):
    from django.contrib.auth.forms import AuthenticationForm

    with translation.override(language):
        form = AuthenticationForm()
        labels = [str(form.fields[name].label) for name in ("username", "password")]
    assert labels == expected
