# The pages and messages of these tests are in English (tests/english.py).
from tests.english import english_client, english_messages  # noqa: F401
