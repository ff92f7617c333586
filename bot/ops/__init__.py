"""Operating Orderbot: schema commands, `orderbot check`, health, readiness, metrics and logs."""
