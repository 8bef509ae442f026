"""The web application of xxgk: 年报检查, 申请台账, 年报编制, 汇总与对比, 公开目录.

``create_app(settings)`` returns the FastAPI application; ``xxgk serve`` runs it with uvicorn.
"""

from xxgk.web.app import create_app
from xxgk.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
