-- Written by the barged of commit 769da18 and dumped by make-fixture.sh
-- (version argument 3); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL, cost_policy TEXT NOT NULL DEFAULT 'any');
INSERT INTO jobs VALUES('c66d34e1-3d13-46e1-ab3b-490ff2e46cfc',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384468177182,1796384468270458,1796384468270409,0,'','','',-1,77,1209600,500,0,'any');
INSERT INTO jobs VALUES('15f6f7a4-3546-41b1-a752-db5fbc610d30',0,'download','error','fixture not found','','normal',1796384468403232,1796384468429865,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0,'any');
INSERT INTO jobs VALUES('d6c3f8b4-0e75-4dc5-a314-5bde1133b653',0,'download','suspended','fixture suspended','','low',1796384468458055,1796384468533427,0,0,'','','',-1,600,3600,500,0,'unmetered');
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('c66d34e1-3d13-46e1-ab3b-490ff2e46cfc',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.c66d34e1.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('c66d34e1-3d13-46e1-ab3b-490ff2e46cfc',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.c66d34e1.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('15f6f7a4-3546-41b1-a752-db5fbc610d30',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.15f6f7a4.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('d6c3f8b4-0e75-4dc5-a314-5bde1133b653',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.d6c3f8b4.barge-part',-1,0,0,0,NULL,NULL);
CREATE TABLE job_lifecycle ( job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL, download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL, http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);
INSERT INTO job_lifecycle VALUES('c66d34e1-3d13-46e1-ab3b-490ff2e46cfc',7776000,25925,0,0,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('15f6f7a4-3546-41b1-a752-db5fbc610d30',7776000,3790,0,404,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('d6c3f8b4-0e75-4dc5-a314-5bde1133b653',7200,0,0,0,'[''error'', ''modification'']','(''/bin/true'', [''true'', ''fixture''])');
COMMIT;
PRAGMA user_version = 1;
