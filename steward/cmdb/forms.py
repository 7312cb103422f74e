"""Forms of the CMDB."""
