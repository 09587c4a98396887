# src/steercheck
