"""The plugin test kit: pytest fixtures and contract checks shipped with the help desk.

``pytest_plugin`` is loaded by pytest itself (``pytest11`` entry point): any project that has
the help desk installed gets the fixtures ``database_url``, ``plugins``, ``helpdesk``,
``session`` and ``people`` (the web layer adds ``app`` and ``browser``, see ``web.testing``).
``contract`` holds the checks every category plugin runs on itself (subclass
:class:`hdcore.testing.contract.PluginContract` in a test module); ``postgres`` starts the
PostgreSQL server the fixtures use; ``environment`` installs a package with pip into a
throw-away environment layered over the running one.
"""
