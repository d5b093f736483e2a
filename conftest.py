import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _reset_language():
    """Each test starts in English: a language activated by one test must not leak into the next."""
    translation.activate("en")
    yield
    translation.activate("en")
