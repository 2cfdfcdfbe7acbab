"""Domain errors raised by services; the API and the views turn them into clear 4xx answers."""

# What a 404 says when nothing more specific can be said: the same for a URL no route matches
# and for a record that does not exist or is not visible, so the two cannot be told apart.
NOT_FOUND_MESSAGE = "There is nothing here that you can see."


class ServiceError(Exception):
    """A request the domain refuses. ``code`` is stable for clients; ``fields`` names bad inputs."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ServiceError):
    status = 400
    code = "validation_error"


class TransitionNotAllowed(ServiceError):
    status = 409
    code = "transition_not_allowed"


class EditConflict(ServiceError):
    """Someone else saved the record since the caller read it."""

    status = 409
    code = "edit_conflict"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class PermissionDenied(ServiceError):
    status = 403
    code = "permission_denied"
