"""Finding kinds of the roll-up: a published report differs from the sum, a cell is partial."""

from __future__ import annotations

from xxgk.findings import FindingKind, Severity, register_kind

DIFFERS = register_kind(
    FindingKind(
        "aggregate-differs",
        Severity.WARNING,
        "本级报告与下级汇总数不一致",
        "{name}：本级报告为{actual}，下级报告汇总为{expected}",
        "汇总报告按下级单位报告逐格相加；本级公布的报告与汇总数不同，可能是统计口径不同、"
        "漏报或填错，需要核对（这是汇总核对的提示，不是错误）。",
        ("#aggregate",),
    )
)
PARTIAL = register_kind(
    FindingKind(
        "aggregate-cell-partial",
        Severity.WARNING,
        "汇总数缺少部分单位的数值",
        "{name}：{count}份下级报告中该格无法读取（{members}），汇总数只含其余报告",
        "下级报告中该格无法读取时，汇总数只能加总其余报告；缺少的数值不按零计算，而是在此列出。",
        ("#aggregate",),
    )
)
MISSING = register_kind(
    FindingKind(
        "aggregate-member-missing",
        Severity.WARNING,
        "下级单位未报送报告",
        "{count}个下级单位没有{year}年度报告：{members}；汇总数不含这些单位（缺报不按零计算）",
        "汇总时缺报的单位不计入合计，也不当作零；缺报名单列在汇总报告中。",
        ("#aggregate",),
    )
)
