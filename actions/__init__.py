"""Rasa custom actions of the Begrotingswijzer (rasa-sdk 3.6): budget answers, handoff, feedback."""

from nlu.privacy import install_log_masking

# The action server imports this package first: every log line it writes is masked from then on.
install_log_masking()
