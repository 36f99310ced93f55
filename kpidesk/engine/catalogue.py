"""The template catalogue: every module in `kpidesk.engine.templates` defining `TEMPLATE`.

Discovery walks the package with `pkgutil.iter_modules`, which also works in a PyInstaller
bundle as long as the spec collects the package's submodules
(`collect_submodules("kpidesk.engine.templates")`). So adding a template is adding one
module to that package, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from kpidesk.engine import templates as templates_package
from kpidesk.engine.base import KpiTemplate


class UnknownTemplate(KeyError):
    """A rule names a template that is not in the catalogue."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown template"


def discover() -> dict[str, KpiTemplate]:
    """Import every template module and index its `TEMPLATE` by key, in catalogue order."""
    found: dict[str, KpiTemplate] = {}
    modules = sorted(
        info.name for info in pkgutil.iter_modules(templates_package.__path__) if not info.ispkg
    )
    for name in modules:
        if name.startswith("_"):
            continue
        module = importlib.import_module(f"{templates_package.__name__}.{name}")
        template = getattr(module, "TEMPLATE", None)
        if template is None:
            continue
        if not isinstance(template, KpiTemplate):
            raise TypeError(f"{module.__name__}.TEMPLATE is not a KpiTemplate: {template!r}")
        key = template.spec.key
        if key in found:
            raise ValueError(f"template key {key!r} defined twice (in {module.__name__})")
        found[key] = template
    return dict(sorted(found.items(), key=lambda item: (item[1].spec.order, item[0])))


TEMPLATES: Mapping[str, KpiTemplate] = MappingProxyType(discover())


def get_template(key: str) -> KpiTemplate:
    """The template with this key; `UnknownTemplate` with the known keys when there is none."""
    try:
        return TEMPLATES[key]
    except KeyError:
        known = ", ".join(sorted(TEMPLATES))
        raise UnknownTemplate(f"unknown template {key!r}; known templates: {known}") from None
