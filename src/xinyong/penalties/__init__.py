"""Administrative penalty records (行政处罚) published under 双公示."""
