"""backlogctl: an AI lab's model backlog as YAML files in git."""

__version__ = "0.1.0"
