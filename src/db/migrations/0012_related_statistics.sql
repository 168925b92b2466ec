-- Associative search (src/modules/search/related.repository.ts) joins a record's link values against
-- the expression indexes of 0003. PostgreSQL keeps no usable statistics for the expression of a
-- partial index, so it guessed 0.5 % of all records for each value (5,000 at 1M records): the plan
-- stayed right, but its cost went over jit_above_cost and the server JIT-compiled a statement that
-- runs in half a millisecond, for 130 ms. Statistics on the expressions give it the real figure
-- (a project or an enterprise has a handful of records). PostgreSQL 14 or later.
CREATE STATISTICS records_extra_project_code_stats ON (extra->>'projectCode') FROM records;
CREATE STATISTICS records_extra_credit_code_stats ON (extra->>'creditCode') FROM records;
CREATE STATISTICS records_extra_applicant_stats ON (extra->>'applicant') FROM records;
CREATE STATISTICS records_extra_case_no_stats ON (extra->>'caseNo') FROM records;
-- Statistics are gathered by ANALYZE: now, for a database that already holds records (autovacuum
-- would wait for a tenth of the table to change; embedded PGlite has no autovacuum at all).
ANALYZE records;
