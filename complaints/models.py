# Models arrive with the complaints issue.
