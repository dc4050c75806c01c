"""Domain: what a case, client, deadline, catalogue and decision are, and the rules. Standard library only."""
