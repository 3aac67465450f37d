"""techtransfer: an open platform for the transfer and commercialisation of S&T achievements."""

__version__ = "0.1.0"
