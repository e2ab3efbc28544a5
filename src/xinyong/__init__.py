"""xinyong (信用): enterprise credit information platform."""

__version__ = "0.1.0"
