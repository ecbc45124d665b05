"""Version 1 of Warga's REST API: thin views over the domain's services and selectors."""
