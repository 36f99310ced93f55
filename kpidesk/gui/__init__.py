"""The desktop app: Qt windows, dialogs and models (they call services only)."""
