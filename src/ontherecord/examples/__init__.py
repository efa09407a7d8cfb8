"""The bundled example page that `ontherecord demo` reads."""
