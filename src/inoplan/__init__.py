"""inoplan: treatment-cycle planner for inotuzumab ozogamicin (BESPONSA)."""

__version__ = "0.1.0"
