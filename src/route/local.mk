# src/route
