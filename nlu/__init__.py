"""Dutch language layer shared by the Rasa pipeline and the knowledge service."""
