"""Errors that reach the user as one line naming the input and the problem (exit status 2)."""


class InputError(Exception):
    """Bad input: a missing, binary, undecodable or malformed file, or a bad option value."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def one_line(self) -> str:
        return " ".join(str(self).split())
