"""The network security category: firewall changes, viruses, incidents, vulnerabilities."""

from plugins.network_security.plugin import NetworkSecurityPlugin

plugin = NetworkSecurityPlugin()

__all__ = ["NetworkSecurityPlugin", "plugin"]
