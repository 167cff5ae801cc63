"""Exporters: a :class:`~inoplan.domain.plan.Plan` in, text out.

Imported only by the commands that use them.
"""
