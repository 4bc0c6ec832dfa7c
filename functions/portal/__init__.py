"""3·15 consumer-rights campaign portal: everything deployed to AWS Lambda."""
