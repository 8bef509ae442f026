"""Proactive disclosure (主动公开): the unit's catalogue, items on the review chain, the public
catalogue's search, and the year's figures for the annual report.

Modules: ``vocab`` (states, channels, 公开属性), ``models`` (tables), ``catalogue`` (the category
tree), ``items`` (drafting and attachments), ``workflow`` (the review chain), ``search`` (Chinese
full-text search), ``yearly`` (what the annual report takes from here). Import them directly; this
package imports nothing, so the register's tables can name the items' table without a cycle.
"""
