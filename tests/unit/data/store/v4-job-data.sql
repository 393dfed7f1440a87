-- Written by the barged of commit 64c1d97 and dumped by make-fixture.sh
-- (version argument 4); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL, cost_policy TEXT NOT NULL DEFAULT 'any');
INSERT INTO jobs VALUES('4e1932d6-239c-446c-b624-a2949d2ce716',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384469166993,1796384469266581,1796384469266572,0,'','','',-1,77,1209600,500,0,'any');
INSERT INTO jobs VALUES('8ac03f79-71d4-43f7-8029-fe8ea54480ca',0,'download','error','fixture not found','','normal',1796384469283928,1796384469311859,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0,'any');
INSERT INTO jobs VALUES('213498e5-8b83-4edd-9650-2f7cd8862862',0,'download','suspended','fixture suspended','','low',1796384469343518,1796384469417357,0,0,'','','',-1,600,3600,500,0,'unmetered');
INSERT INTO jobs VALUES('62021192-fd31-4b68-a0da-38bbdb833d4c',0,'upload','suspended','fixture upload','','normal',1796384469433402,1796384469445366,0,0,'','','',-1,600,1209600,500,0,'any');
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('4e1932d6-239c-446c-b624-a2949d2ce716',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.4e1932d6.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('4e1932d6-239c-446c-b624-a2949d2ce716',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.4e1932d6.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('8ac03f79-71d4-43f7-8029-fe8ea54480ca',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.8ac03f79.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('213498e5-8b83-4edd-9650-2f7cd8862862',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.213498e5.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('62021192-fd31-4b68-a0da-38bbdb833d4c',0,'http://127.0.0.1:48917/files/','/tmp/barge-fixture/www/a','',892,0,0,0,NULL,NULL);
CREATE TABLE job_data ( job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, key));
INSERT INTO job_data VALUES('62021192-fd31-4b68-a0da-38bbdb833d4c','upload','{''expires'': <int64 0>, ''protocol'': <''tus''>, ''acked'': <uint64 0>, ''uploaded'': <false>, ''reply-file-name'': <''''>, ''reply-done'': <false>}');
CREATE TABLE job_lifecycle ( job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL, download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL, http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);
INSERT INTO job_lifecycle VALUES('4e1932d6-239c-446c-b624-a2949d2ce716',7776000,27429,0,0,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('8ac03f79-71d4-43f7-8029-fe8ea54480ca',7776000,4211,0,404,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('213498e5-8b83-4edd-9650-2f7cd8862862',7200,0,0,0,'[''error'', ''modification'']','(''/bin/true'', [''true'', ''fixture''])');
INSERT INTO job_lifecycle VALUES('62021192-fd31-4b68-a0da-38bbdb833d4c',7776000,0,0,0,'[''transferred'', ''error'']','('''', [])');
COMMIT;
PRAGMA user_version = 1;
