"""Email to tickets and back: inbound transports, parsing, threading, loop protection."""
