"""Reviewing changes between two plans: word diffs, the semantic comparison, its reports."""
