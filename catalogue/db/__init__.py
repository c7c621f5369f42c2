"""PostgreSQL as Django's backend has it, with a deadline on every round trip (see base.py)."""
