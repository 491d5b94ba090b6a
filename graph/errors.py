"""The one error every library function raises for a bad value of a named parameter.

Callers (the API, the CLI) show it as it is and point at ``parameter``: the message already
says what is wrong and what would be accepted, so no layer above has to rephrase it.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A parameter's value is not acceptable; ``parameter`` names it, ``message`` says why."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message
