"""The ways tickets arrive besides the portal and the API: email, monitoring alerts, chat."""
