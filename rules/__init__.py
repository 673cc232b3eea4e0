"""The built-in rule pack: one <rule-id>.yaml per rule (this file only makes the folder a package)."""
