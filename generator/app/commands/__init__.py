"""One module per ``kh`` command; each imports only click at module level."""
