"""Errors raised by the nlp package."""


class PipelineError(Exception):
    """A pipeline cannot be found, built or configured; the message says why."""
