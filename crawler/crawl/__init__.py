"""The Scrapy side: settings, components, the spider's helpers, runner and distributed mode."""
