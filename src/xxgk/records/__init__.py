"""What the register and proactive disclosure both keep and read, below both of them.

The published versions of a unit's annual report and the year lock they impose (a locked year
of the register, and of the documents register that Table 二 counts, may not change), and the
vocabulary that reads an officer's input (a choice named by key or label, a date). The register
and the disclosure workflow import these; neither imports the other's modules for them.
"""
