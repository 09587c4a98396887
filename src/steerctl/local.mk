# src/steerctl
