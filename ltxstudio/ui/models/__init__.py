"""Qt item models: adapters over the Qt-free stores; they never mutate what they show."""
