# tests/smoke
