"""Reading conversation form definitions (YAML in forms/) into the domain, with file and line in every error."""
