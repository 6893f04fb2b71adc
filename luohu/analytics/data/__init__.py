"""Reference data files read by luohu.analytics (see SOURCES.md)."""
