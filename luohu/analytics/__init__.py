"""批量分析 Analytics: synthetic population and batch pipelines (pure Python, no Django)."""
