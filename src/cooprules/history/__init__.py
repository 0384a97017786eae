"""Law against practice on historical records: ICE's FY2015 detainer records
(``detainers``), facility-to-government mapping (``facilities``), the HTML report
(``report``). See docs/analysis.md."""
