-- The job queue keeps every finished job (the trail of what was done to a record), so at a million
-- records it holds millions of rows, nearly all done. Without these, every claim (each worker polls
-- twice a second), the release of a dead process's jobs and the count of failed ones read the
-- whole table: 160 ms a claim at a million done jobs on the embedded database, during which every
-- other statement waits. The open jobs in claim order, and the failed ones, are few.
CREATE INDEX jobs_open ON jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_failed ON jobs (id) WHERE state = 'failed';
-- Jobs finished lately, for counts over the last day rather than over all time.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state = 'done';
