"""Service intelligence: per-request figures kept up to date, and reports computed by SQL."""
