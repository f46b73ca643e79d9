"""Translation: the routing table (`router`) and one module per backend behind it."""
