"""rehearse's Django runner, as a package: the protocol (protocol.py), what Django
knows about the migrations (introspect.py), per-operation events (operations.py)."""
