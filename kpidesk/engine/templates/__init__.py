"""The built-in KPI templates, one module each.

Every module here that defines `TEMPLATE` (a `KpiTemplate` instance) is found by
`kpidesk.engine.catalogue`; adding a template is adding one module, nothing else.
"""
