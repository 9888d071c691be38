"""New-employee IT set-up: an example category plugin that lives outside the help desk."""

from hr_onboarding.plugin import OnboardingPlugin

plugin = OnboardingPlugin()

__all__ = ["OnboardingPlugin", "plugin"]
