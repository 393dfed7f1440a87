-- Written by the barged of the commit that added it (the first with the
-- ladder) and dumped by make-fixture.sh (version argument 5); see README.md.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL, cost_policy TEXT NOT NULL DEFAULT 'any');
INSERT INTO jobs VALUES('0b056ea4-9719-4d0b-b923-5b6babb0c75c',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384897246846,1796384897445187,1796384897445175,0,'','','',-1,77,1209600,500,0,'any');
INSERT INTO jobs VALUES('b8756932-ea01-4821-accd-39f913c7a078',0,'download','error','fixture not found','','normal',1796384897607912,1796384897658356,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0,'any');
INSERT INTO jobs VALUES('a7734430-58ff-4684-bfbc-907c2c60bdff',0,'download','suspended','fixture suspended','','low',1796384897710442,1796384897817817,0,0,'','','',-1,600,3600,500,0,'unmetered');
INSERT INTO jobs VALUES('d97c3246-6a9e-4e61-9bb5-95c9975c4a0f',0,'upload','suspended','fixture upload','','normal',1796384897844841,1796384897864134,0,0,'','','',-1,600,1209600,500,0,'any');
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, temporary_device INTEGER NOT NULL DEFAULT 0, temporary_inode INTEGER NOT NULL DEFAULT 0, temporary_uid INTEGER NOT NULL DEFAULT 0, folder_device INTEGER NOT NULL DEFAULT 0, folder_inode INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('0b056ea4-9719-4d0b-b923-5b6babb0c75c',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.a06c525fd27afdde.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT',65024,10961347,0,65024,10960918);
INSERT INTO files VALUES('0b056ea4-9719-4d0b-b923-5b6babb0c75c',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.e92c5d1fba99eaed.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT',65024,10960928,0,65024,10960918);
INSERT INTO files VALUES('b8756932-ea01-4821-accd-39f913c7a078',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.59d4465127790596.barge-part',-1,0,0,0,NULL,NULL,65024,10960913,0,65024,10960918);
INSERT INTO files VALUES('a7734430-58ff-4684-bfbc-907c2c60bdff',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.64a9238041383f6e.barge-part',-1,0,0,0,NULL,NULL,0,0,0,65024,10960918);
INSERT INTO files VALUES('d97c3246-6a9e-4e61-9bb5-95c9975c4a0f',0,'http://127.0.0.1:48917/files/','/tmp/barge-fixture/www/a','',892,0,0,0,NULL,NULL,0,0,0,0,0);
CREATE TABLE job_lifecycle ( job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL, download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL, http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);
INSERT INTO job_lifecycle VALUES('0b056ea4-9719-4d0b-b923-5b6babb0c75c',7776000,55151,0,0,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('b8756932-ea01-4821-accd-39f913c7a078',7776000,4647,0,404,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('a7734430-58ff-4684-bfbc-907c2c60bdff',7200,0,0,0,'[''error'', ''modification'']','(''/bin/true'', [''true'', ''fixture''])');
INSERT INTO job_lifecycle VALUES('d97c3246-6a9e-4e61-9bb5-95c9975c4a0f',7776000,0,0,0,'[''transferred'', ''error'']','('''', [])');
CREATE TABLE job_data ( job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, key));
INSERT INTO job_data VALUES('d97c3246-6a9e-4e61-9bb5-95c9975c4a0f','upload','{''expires'': <int64 0>, ''protocol'': <''tus''>, ''acked'': <uint64 0>, ''uploaded'': <false>, ''reply-file-name'': <''''>, ''reply-done'': <false>}');
COMMIT;
PRAGMA user_version = 5;
