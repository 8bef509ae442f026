"""The supervising office's campaign: one status per unit and year from every source xxgk has.

It sits above both the report store (``xxgk.corpus``) and the register's filing
(``xxgk.register``), which are siblings that must not import each other.
"""
