"""Open Badges 3.0 microcredentials: build, canonicalise, sign, verify, status list, bake, PDF."""
