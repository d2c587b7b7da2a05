"""Migration scripts, oldest first; a package so that every install ships them."""
