"""The installed base's moving parts: its built-in plugin, and importing and exporting assets."""
