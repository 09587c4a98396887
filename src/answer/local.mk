# src/answer
