"""Rasa custom actions of the Begrotingswijzer (rasa-sdk 3.6): budget answers, handoff, feedback."""
