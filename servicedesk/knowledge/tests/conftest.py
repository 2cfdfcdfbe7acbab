import pytest

from servicedesk.knowledge import search


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    # PostgreSQL's spelling fallback keeps the indexed words per process, known current by
    # the articles' count and latest change; a new test database can repeat both.
    search.forget()
    yield
    search.forget()
