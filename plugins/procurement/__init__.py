"""The procurement service category: buying IT equipment and consumables through suppliers."""

from plugins.procurement.plugin import ProcurementPlugin

plugin = ProcurementPlugin()

__all__ = ["ProcurementPlugin", "plugin"]
