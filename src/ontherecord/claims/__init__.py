"""Stage ⑤b: claims — qualifiers on what sources said, and which sentences rest on whose word."""
