"""The plugin's own migration branch (label ``hr_onboarding``, depending on the core's 0001)."""
