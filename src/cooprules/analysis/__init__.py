"""Time, what-if and the national picture: the standard scenarios (``standard``),
``diff`` between dates, ``whatif`` drafts, the ``matrix`` of every jurisdiction, request
tables (``table``), random requests (``sampling``) and the Dask runner
(``dask_runner``). Everything here calls the engine and tabulates; it decides no law.
See docs/analysis.md."""
