"""Monitoring alerts: receivers, normalised alerts, de-duplication, storms and auto-resolve."""
