"""Reports: metrics over tickets and their events, charts, exports and the event log."""
