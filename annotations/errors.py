"""Domain errors that the API and views translate into HTTP statuses."""


class ConflictError(Exception):
    """The request collides with the stored state (HTTP 409): stale version, already exists."""

    def __init__(self, message: str, *, current_version: int | None = None):
        self.message = message
        self.current_version = current_version
        super().__init__(message)
