"""The demo company of `crewdesk seed_demo`: its users (company.py), clients (clients.py),
properties and jobs (jobs.py), invoices and payments (billing.py), all made through the
product's services."""
