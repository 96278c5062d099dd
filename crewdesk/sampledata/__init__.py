"""Sample data: the demo company (`crewdesk seed_demo`) and bulk data for benchmarks and for
measuring the duplicate check (`crewdesk generate_data`).

The top floor: it uses every app, and no product module imports it (tests/sampledata/
test_isolated.py holds that), so the product ships the same with or without it.

- demo/: a small, hand-written company made through the services, as a user would make it.
- bulk/: many realistic clients, properties and jobs written fast in batches, and the
  duplicate check measured against the near-duplicates it planted.
"""
