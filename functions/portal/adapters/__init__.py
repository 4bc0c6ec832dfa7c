"""Everything that talks to the outside world: DynamoDB, KMS, files, the calendar library."""
