"""ERP support: the service category for questions, faults and changes in the company ERP."""

from plugins.erp_support.plugin import ErpSupportPlugin

plugin = ErpSupportPlugin()
