"""What the agent may call: typed, validated functions, the only door from LLM output inside."""
