"""E-mail: identifiers that thread replies back to requests, outgoing and incoming mail."""
