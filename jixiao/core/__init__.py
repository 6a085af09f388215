"""Framework-free domain logic. Nothing here imports Django or another jixiao app."""
