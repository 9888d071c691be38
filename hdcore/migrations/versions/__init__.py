"""The core's revisions (branch ``core``); a package so that an installed wheel carries them."""
