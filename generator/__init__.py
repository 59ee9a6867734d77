"""kh: Nghị định 30-conformant plan (Kế hoạch) documents from YAML."""

__version__ = "0.1.0"
