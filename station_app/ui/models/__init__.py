"""Qt item models over service functions (keyset pages, no queries in data())."""
