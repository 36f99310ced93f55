"""CRM import: the CRM's CSV export, checked completely, then written in one transaction.

Rows are parsed in Python (encodings, delimiters, Danish number and boolean spellings) and
staged in temporary tables inside the one write transaction; duplicate keys and references
(to the other files and to rows already stored) are then checked set-based, so memory stays
flat for millions of rows. Only when no error was found are the staged rows merged into the
real tables with a few set-based statements; any error rolls everything back.

The package follows the seams of that work: `values` (cell text to stored values),
`entities` (the files, their columns and stage tables), `reader` (files, encodings,
delimiters), `checks` (across rows and files), `merge` (the set-based writes), `report`
(what the user is told) and `run` (one import, in one transaction).
"""

from kpidesk.data.crm_import.draft import NOT_READ, draft_mapping
from kpidesk.data.crm_import.entities import (
    ACTIVITIES,
    COMPANIES,
    ENTITIES,
    FILE_NAMES,
    OPPORTUNITIES,
    PARTICIPANTS,
    USERS,
)
from kpidesk.data.crm_import.mapping import (
    Mapping,
    builtin_mapping,
    derive_login,
    load_mapping,
    presets,
)
from kpidesk.data.crm_import.reader import find_files
from kpidesk.data.crm_import.report import FileReport, ImportFailed, ImportReport
from kpidesk.data.crm_import.run import BeforeCommit, ImportProgress, crm_row_counts, import_crm

__all__ = [
    "BeforeCommit",
    "ACTIVITIES",
    "COMPANIES",
    "FILE_NAMES",
    "OPPORTUNITIES",
    "PARTICIPANTS",
    "USERS",
    "FileReport",
    "NOT_READ",
    "Mapping",
    "builtin_mapping",
    "derive_login",
    "draft_mapping",
    "load_mapping",
    "presets",
    "ImportFailed",
    "ImportProgress",
    "ImportReport",
    "crm_row_counts",
    "ENTITIES",
    "find_files",
    "import_crm",
]
