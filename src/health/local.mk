# src/health
