import pytest

from servicedesk.sla import models, policies


@pytest.fixture(autouse=True)
def _fresh_policies():
    # Each test's database starts again from the same ids and frozen times: what a process
    # keeps of the policies and calendars of one test must not answer for the next.
    policies.forget()
    models._CALENDARS.clear()
    yield
    policies.forget()
    models._CALENDARS.clear()
