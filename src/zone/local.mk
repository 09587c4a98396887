# src/zone
