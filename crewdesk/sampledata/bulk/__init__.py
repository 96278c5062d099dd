"""Bulk data of `crewdesk generate_data` (the benchmarks' data, DESIGN §6).

Clients: names.py, places.py and emails.py are the pools a client is drawn from;
client_maker.py makes one client, duplicates.py a second entry of an earlier one;
client_rows.py turns them into table rows (with index_rows.py for the search index);
generate_clients.py writes them in batches (pipeline.py: in a second thread on PostgreSQL) and
truth.py records which client copies which. recall.py measures the duplicate check against
that record. generate_jobs.py gives the clients properties and jobs. company.py finds or makes
the company to fill; writer.py is the fast writer all of them use."""
