"""The words of proactive disclosure (主动公开): states, channels, 公开属性 and their legal reasons.

Keys are stored in the database; the Chinese labels are what officers and the public read.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where an item stands in the review chain the reports describe.

    先经发布部门审核，后保密员保密审核，再报请分管领导审批签字后予以发布: each review step is a
    state, and an item leaves the chain either published, or recorded as not to be published.
    """

    DRAFT = "draft"
    DEPT_REVIEW = "dept_review"
    SECRECY_REVIEW = "secrecy_review"
    LEADER_APPROVAL = "leader_approval"
    PUBLISHED = "published"
    RECORDED = "recorded"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: "草稿",
    State.DEPT_REVIEW: "部门审核",
    State.SECRECY_REVIEW: "保密审查",
    State.LEADER_APPROVAL: "领导审批",
    State.PUBLISHED: "已发布",
    State.RECORDED: "已审定（不公开）",
    State.WITHDRAWN: "已撤回",
}

REVIEW_STATES = (State.DEPT_REVIEW, State.SECRECY_REVIEW, State.LEADER_APPROVAL)

CHANNELS = {
    "website": "网站",
    "bulletin": "公示栏",
    "new_media": "新媒体",
    "other": "其他",
}

ATTRIBUTES = {
    "proactive": "主动公开",
    "on_request": "依申请公开",
    "withheld": "不予公开",
}

# 条例 arts. 14-16: the grounds on which information is not disclosed. The key is stored; the
# label cites the article so that the decision shows its legal basis.
WITHHELD_REASONS = {
    "state_secret": "属于国家秘密（《条例》第十四条）",
    "law_forbids": "法律、行政法规禁止公开（《条例》第十四条）",
    "security_stability": (
        "公开后可能危及国家安全、公共安全、经济安全、社会稳定（《条例》第十四条）"
    ),
    "third_party": "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害（《条例》第十五条）",
    "internal_affairs": "属于人事管理、后勤管理、内部工作流程等内部事务信息（《条例》第十六条）",
    "process_info": "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息（《条例》第十六条）",
    "enforcement_file": "属于行政执法案卷信息（《条例》第十六条）",
}

ACTIONS = {
    "create": "起草",
    "update": "修改",
    "submit": "提交审核",
    "approve": "审核通过",
    "return": "退回修改",
    "publish": "发布",
    "record": "审定不公开",
    "withdraw": "撤回",
    "repeal": "登记废止",
}

# The label of the approval at each review step, as the timeline prints it.
STEP_APPROVALS = {
    State.DEPT_REVIEW: "部门审核通过",
    State.SECRECY_REVIEW: "保密审查通过",
    State.LEADER_APPROVAL: "领导审批签发",
}


def step_label(action: str, from_state: str) -> str:
    """Name a step of the timeline; an approval names its signature ("保密审查通过"), not a bare
    "审核通过"."""
    if action == "approve":
        return STEP_APPROVALS.get(State(from_state), ACTIONS[action])
    return ACTIONS.get(action, action)
