"""`explain`: normalise a pasted error and match it against the guides' `match:` declarations."""
