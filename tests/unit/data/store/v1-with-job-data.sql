-- Written by the barged of commit 68c1528 and dumped by make-fixture.sh
-- (version argument 4); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL);
INSERT INTO jobs VALUES('5ea62341-f049-4eae-bfd9-b977a896c4e8',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384624839065,1796384624933865,1796384624933847,0,'','','',-1,77,1209600,500,0);
INSERT INTO jobs VALUES('f11694b9-aacc-4205-9c5c-bf4c73d16eaf',0,'download','error','fixture not found','','normal',1796384625066369,1796384625095471,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0);
INSERT INTO jobs VALUES('87438c2a-26f2-421f-a286-c709c282ace5',0,'download','suspended','fixture suspended','','low',1796384625118529,1796384625187808,0,0,'','','',-1,600,3600,500,0);
INSERT INTO jobs VALUES('d4358b01-3600-420d-84ac-d09664097a0e',0,'upload','suspended','fixture upload','','normal',1796384625202889,1796384625215046,0,0,'','','',-1,600,1209600,500,0);
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('5ea62341-f049-4eae-bfd9-b977a896c4e8',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.5ea62341.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('5ea62341-f049-4eae-bfd9-b977a896c4e8',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.5ea62341.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('f11694b9-aacc-4205-9c5c-bf4c73d16eaf',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.f11694b9.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('87438c2a-26f2-421f-a286-c709c282ace5',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.87438c2a.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('d4358b01-3600-420d-84ac-d09664097a0e',0,'http://127.0.0.1:48917/files/','/tmp/barge-fixture/www/a','',892,0,0,0,NULL,NULL);
CREATE TABLE job_data ( job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, key));
INSERT INTO job_data VALUES('d4358b01-3600-420d-84ac-d09664097a0e','upload','{''expires'': <int64 0>, ''protocol'': <''tus''>, ''acked'': <uint64 0>, ''uploaded'': <false>, ''reply-file-name'': <''''>, ''reply-done'': <false>}');
COMMIT;
PRAGMA user_version = 1;
