"""xxgk: read, check and write China's 政府信息公开工作年度报告, and keep the work behind them.

The package is layered one way: ``model`` → ``parse``/``rules``/``render`` →
``corpus``/``register``/``disclosure`` → ``web``/``cli``.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """Look ``__version__`` up when asked: ``importlib.metadata`` costs a tenth of the
    start-up of ``xxgk check FILE``, which never asks."""
    if name != "__version__":
        raise AttributeError(f"module 'xxgk' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("xxgk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
