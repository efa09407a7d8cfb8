"""Stage ④: attribution extraction — who said what, found in an Article and its parsed Doc."""
