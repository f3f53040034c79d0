"""Pure Python domain: codes with Chinese labels, rules and validators. No Qt, no database."""
