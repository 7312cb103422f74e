"""Pages of the CMDB."""
