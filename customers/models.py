# Models arrive with the customers issue.
