"""Outsourced maintenance: repairs done by outside vendors, tracked by IT from dispatch to fix."""

from plugins.outsourcing.plugin import OutsourcingPlugin

plugin = OutsourcingPlugin()

__all__ = ["OutsourcingPlugin", "plugin"]
