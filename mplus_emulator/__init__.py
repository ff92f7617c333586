"""Emulator of the order part of the Mplus Q-line SOAP API (stands apart: imports nothing from bot/)."""
