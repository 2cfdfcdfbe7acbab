"""Triage: keyword and condition rules, the classifier trained on the desk's history, assignment."""
