"""Pages of national oversight: the dashboard (KPIs, series, categories, the tile-grid map,
drill-down), rankings, surges and open data, on the national government's host (the whole
country) and on each province government's host (that province only).

They read the national read model through warga.national.selectors, never a government's
schema, and show aggregates only. Every table can be downloaded as CSV with exactly the
values it shows (`?unduh=<table>`), behind the same access check as the page.
"""
