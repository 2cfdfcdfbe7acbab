import pytest

# The kept rules are dropped between tests by the root conftest (_fresh_sla_caches).


@pytest.fixture
def predict(monkeypatch):
    """Make the model predict ``found`` (a list of Prediction) for every ticket."""

    def set_predictions(found):
        monkeypatch.setattr(
            "servicedesk.triage.pipeline.ticket_predictions", lambda **kwargs: list(found)
        )

    return set_predictions
