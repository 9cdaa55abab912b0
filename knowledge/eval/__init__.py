"""Evaluation of the Begrotingswijzer: question sets, metrics, runners and reports."""
