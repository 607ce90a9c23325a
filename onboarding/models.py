# Models arrive with the onboarding issue.
