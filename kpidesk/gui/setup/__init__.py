""" "KPI opsætning", one module per page: `profiles_page`, `users_page`, `rules_page`, held by
`dialog.KpiSetupDialog`; `page` has what they share (the state, the page protocol)."""

from kpidesk.gui.setup.dialog import KpiSetupDialog
from kpidesk.gui.setup.page import SetupPage, SetupSnapshot, SetupState, load_snapshot

__all__ = ["KpiSetupDialog", "SetupPage", "SetupSnapshot", "SetupState", "load_snapshot"]
