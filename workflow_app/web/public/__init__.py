"""The public portal (Ley 1712 de 2014): plans, documents, hearings and citizens' proposals."""
