"""The command lines' argument parser: a bad argument is one line and exit status 2."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["OneLineParser"]


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage block: the message already names the argument.
        self.exit(2, f"{self.prog}: error: {message}\n")
