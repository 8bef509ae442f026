"""Exceptions of xxgk.

    XxgkError                 base of everything xxgk raises on purpose
    ├── InputError            a file that cannot be used at all (unreadable, not a report,
    │                         undecodable); the CLI prints it in one line and exits with 2
    ├── RenderError           a report cannot be written in the requested format
    └── RegisterError         the register refuses an operation (a rule of the law or of the data)

Problems *inside* a usable report are never exceptions: they are findings.
"""

from __future__ import annotations


class XxgkError(Exception):
    """Base of every error xxgk raises on purpose; ``str()`` is a message for people."""

    def __init__(self, message_zh: str, message_en: str = "", *, path: str | None = None):
        self.message_zh = message_zh
        self.message_en = message_en
        self.path = path
        super().__init__(self.describe())

    def describe(self) -> str:
        """Return ``file: 中文说明 (English explanation)``."""
        head = f"{self.path}: " if self.path else ""
        tail = f" ({self.message_en})" if self.message_en else ""
        return f"{head}{self.message_zh}{tail}"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle every attribute (a worker of the parse pool sends its error back): the
        default would call ``__init__`` with ``describe()`` alone, which subclasses with
        other arguments (``LimitError``) cannot take."""
        return (_restored, (type(self), self.args, dict(self.__dict__)))


def _restored(
    cls: type[XxgkError], args: tuple[object, ...], state: dict[str, object]
) -> XxgkError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(XxgkError):
    """Raised when an input file cannot be read as a report at all."""


class RenderError(XxgkError):
    """Raised when a report cannot be written in the requested format."""


class RegisterError(XxgkError):
    """Raised when the register refuses an operation."""
