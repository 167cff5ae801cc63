"""Exporters: a :class:`~inoplan.plan.Plan` in, text out.

Imported only by the commands that use them.
"""
