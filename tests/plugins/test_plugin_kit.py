"""The plugin test kit's contract, run over each of the five built-in category plugins."""

from __future__ import annotations

from hdcore.testing.contract import PluginContract


class TestErpSupportContract(PluginContract):
    plugin_name = "erp_support"


class TestEmailAdminContract(PluginContract):
    plugin_name = "email_admin"


class TestNetworkSecurityContract(PluginContract):
    plugin_name = "network_security"


class TestProcurementContract(PluginContract):
    plugin_name = "procurement"


class TestOutsourcingContract(PluginContract):
    plugin_name = "outsourcing"
