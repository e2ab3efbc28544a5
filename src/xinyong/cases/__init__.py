"""Cases: debt registration, entrustment, live progress evidence, complaints and SLA clocks."""
