-- Written by the barged of commit 84f7d5c and dumped by make-fixture.sh
-- (version argument 1); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL);
INSERT INTO jobs VALUES('cb9bf9da-0fb4-4082-a473-7541376e9050',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384463414331,1796384463503804,1796384463503795,0,'','','',-1,77,1209600,500,0);
INSERT INTO jobs VALUES('b3ed4ba7-8fac-4e4b-b5c2-4bc0f2aa4b63',0,'download','error','fixture not found','','normal',1796384463636036,1796384463663997,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0);
INSERT INTO jobs VALUES('418d81e5-d69b-4c81-8288-251bd9076278',0,'download','suspended','fixture suspended','','low',1796384463691656,1796384463722457,0,0,'','','',-1,600,3600,500,0);
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('cb9bf9da-0fb4-4082-a473-7541376e9050',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.cb9bf9da.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('cb9bf9da-0fb4-4082-a473-7541376e9050',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.cb9bf9da.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT');
INSERT INTO files VALUES('b3ed4ba7-8fac-4e4b-b5c2-4bc0f2aa4b63',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.b3ed4ba7.barge-part',-1,0,0,0,NULL,NULL);
INSERT INTO files VALUES('418d81e5-d69b-4c81-8288-251bd9076278',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.418d81e5.barge-part',-1,0,0,0,NULL,NULL);
COMMIT;
PRAGMA user_version = 1;
