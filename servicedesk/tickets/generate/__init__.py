"""Realistic bulk data for benchmarks: ``servicedesk generate-tickets N``.

``profile.json`` holds distributions derived from the real ServiceNow log by ``derive``
(``bench/derive_profile.py`` writes it); ``directory`` creates the people, groups and
categories once; ``history`` walks one ticket's life into its rows; ``writer`` numbers and
stores them in bulk.
"""
