"""Clips and takes with full provenance, stored atomically; undoable active-take switches. No Qt."""
