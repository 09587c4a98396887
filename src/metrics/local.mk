# src/metrics
