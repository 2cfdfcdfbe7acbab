"""Chat: conversational intake with knowledge-base deflection."""
