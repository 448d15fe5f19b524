"""Readers and writers: bytes on disk <-> Documents, atomically."""
