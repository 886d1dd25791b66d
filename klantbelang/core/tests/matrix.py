"""Shared by the apps' ``tests/harness.py`` ACCESS declarations and the authorization matrix."""

# An API operation that checks its request body before its permission: every role gets 422 for the
# empty body the matrix sends, and nothing changes.
VALIDATED_FIRST = "validated first"
