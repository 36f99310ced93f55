"""kpidesk: a desktop KPI module for a CRM."""

__version__ = "0.1.0"
