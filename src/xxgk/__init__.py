"""xxgk: read, check and write China's 政府信息公开工作年度报告, and keep the work behind them.

The package is layered one way: ``model`` → ``parse``/``rules``/``render`` →
``corpus``/``register``/``disclosure`` → ``web``/``cli``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xxgk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
