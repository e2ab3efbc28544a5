"""Agency directory (机构名录), published fee schedules (收费标准) and fee quotes (收费测算)."""
