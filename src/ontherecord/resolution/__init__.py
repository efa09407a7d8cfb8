"""Stage ⑤: mentions of people and groups -> sources (within an article; canonical keys across articles)."""
