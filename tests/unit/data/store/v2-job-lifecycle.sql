-- Written by the barged of commit 2d70250 and dumped by make-fixture.sh
-- (version argument 2); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL);
INSERT INTO jobs VALUES('45ad0398-41fd-4f82-984c-e915159d3c7b',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384467314407,1796384467409610,1796384467409600,0,'','','',-1,77,1209600,500,0);
INSERT INTO jobs VALUES('671dd05d-37fe-489f-898a-5171db1b39ba',0,'download','error','fixture not found','','normal',1796384467427857,1796384467458378,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0);
INSERT INTO jobs VALUES('98e0a590-fc04-4731-8507-e02d04ad80c0',0,'download','suspended','fixture suspended','','low',1796384467484070,1796384467548958,0,0,'','','',-1,600,3600,500,0);
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('45ad0398-41fd-4f82-984c-e915159d3c7b',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.45ad0398.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('45ad0398-41fd-4f82-984c-e915159d3c7b',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.45ad0398.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('671dd05d-37fe-489f-898a-5171db1b39ba',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.671dd05d.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('98e0a590-fc04-4731-8507-e02d04ad80c0',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.98e0a590.barge-part',-1,0,0,0,NULL,NULL);
CREATE TABLE job_lifecycle ( job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL, download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL, http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);
INSERT INTO job_lifecycle VALUES('45ad0398-41fd-4f82-984c-e915159d3c7b',7776000,27056,0,0,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('671dd05d-37fe-489f-898a-5171db1b39ba',7776000,6107,0,404,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('98e0a590-fc04-4731-8507-e02d04ad80c0',7200,0,0,0,'[''error'', ''modification'']','(''/bin/true'', [''true'', ''fixture''])');
COMMIT;
PRAGMA user_version = 1;
