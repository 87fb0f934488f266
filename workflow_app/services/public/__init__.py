"""What anyone may see without signing in, and citizens' proposals."""
