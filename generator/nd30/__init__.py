"""Nghị định 30/2020/NĐ-CP presentation rules as data, and their check of any Word document."""
