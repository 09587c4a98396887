# src/server
