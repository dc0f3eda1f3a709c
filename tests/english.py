"""Pages and messages in English, the source language, so that assertions read the messages as
written; tests/test_translations.py checks the translations. A test module or package opts in by
importing both fixtures (`from tests.english import english_client, english_messages`)."""

import pytest
from django.utils import translation


@pytest.fixture(name="client")
def english_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield
