-- Written by the barged of commit 5d64a50 and dumped by make-fixture.sh
-- (version argument 5); README.md says what it holds.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE jobs ( id TEXT PRIMARY KEY, owner INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL, completed INTEGER NOT NULL, error_count INTEGER NOT NULL, error_context TEXT NOT NULL, error_name TEXT NOT NULL, error_message TEXT NOT NULL, error_file INTEGER NOT NULL, minimum_retry_delay INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL, notification_interval INTEGER NOT NULL, first_transient_error INTEGER NOT NULL, cost_policy TEXT NOT NULL DEFAULT 'any');
INSERT INTO jobs VALUES('3fa4e4a9-b6d0-4480-aef3-286401f6fbb6',0,'download','transferred','fixture transferred','two files, both transferred','high',1796384473166075,1796384473258871,1796384473258861,0,'','','',-1,77,1209600,500,0,'any');
INSERT INTO jobs VALUES('989b4e62-260f-448b-ade9-e7cbe8caac0e',0,'download','error','fixture not found','','normal',1796384473390567,1796384473430371,0,1,'remote-file','org.freedesktop.Barge1.Error.RemoteNotFound','HTTP 404 File not found',0,600,1209600,500,0,'any');
INSERT INTO jobs VALUES('7376300a-07ed-4277-967d-4e6d497362cb',0,'download','suspended','fixture suspended','','low',1796384473460042,1796384473541255,0,0,'','','',-1,600,3600,500,0,'unmetered');
INSERT INTO jobs VALUES('809cc277-8423-461d-8392-3ef67f61c234',0,'upload','suspended','fixture upload','','normal',1796384473555419,1796384473569062,0,0,'','','',-1,600,1209600,500,0,'any');
CREATE TABLE files ( job_id TEXT NOT NULL, idx INTEGER NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL, temporary_path TEXT NOT NULL, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL, transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT, temporary_device INTEGER NOT NULL DEFAULT 0, temporary_inode INTEGER NOT NULL DEFAULT 0, temporary_uid INTEGER NOT NULL DEFAULT 0, folder_device INTEGER NOT NULL DEFAULT 0, folder_inode INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, idx));
INSERT INTO files VALUES('3fa4e4a9-b6d0-4480-aef3-286401f6fbb6',0,'http://127.0.0.1:48917/a','/tmp/barge-fixture/dest/a','/tmp/barge-fixture/dest/.a.eb86a34736126423.barge-part',892,892,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT',65024,10961035,0,65024,10960919);
INSERT INTO files VALUES('3fa4e4a9-b6d0-4480-aef3-286401f6fbb6',1,'http://127.0.0.1:48917/b','/tmp/barge-fixture/dest/b','/tmp/barge-fixture/dest/.b.6e63b541bc618c51.barge-part',3,3,1,0,NULL,'Fri, 02 Jan 2026 03:04:05 GMT',65024,10961036,0,65024,10960919);
INSERT INTO files VALUES('989b4e62-260f-448b-ade9-e7cbe8caac0e',0,'http://127.0.0.1:48917/missing','/tmp/barge-fixture/dest/missing','/tmp/barge-fixture/dest/.missing.f78c6789d6787b91.barge-part',-1,0,0,0,NULL,NULL,65024,10961034,0,65024,10960919);
INSERT INTO files VALUES('7376300a-07ed-4277-967d-4e6d497362cb',0,'http://127.0.0.1:48917/never','/tmp/barge-fixture/dest/never','/tmp/barge-fixture/dest/.never.3a921600745689d6.barge-part',-1,0,0,0,NULL,NULL,0,0,0,65024,10960919);
INSERT INTO files VALUES('809cc277-8423-461d-8392-3ef67f61c234',0,'http://127.0.0.1:48917/files/','/tmp/barge-fixture/www/a','',892,0,0,0,NULL,NULL,0,0,0,0,0);
CREATE TABLE job_data ( job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (job_id, key));
INSERT INTO job_data VALUES('809cc277-8423-461d-8392-3ef67f61c234','upload','{''expires'': <int64 0>, ''protocol'': <''tus''>, ''acked'': <uint64 0>, ''uploaded'': <false>, ''reply-file-name'': <''''>, ''reply-done'': <false>}');
CREATE TABLE job_lifecycle ( job_id TEXT PRIMARY KEY, maximum_download_time INTEGER NOT NULL, download_time_used INTEGER NOT NULL, retry_at INTEGER NOT NULL, http_status INTEGER NOT NULL, notify_flags TEXT, notify_command_line TEXT);
INSERT INTO job_lifecycle VALUES('3fa4e4a9-b6d0-4480-aef3-286401f6fbb6',7776000,26045,0,0,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('989b4e62-260f-448b-ade9-e7cbe8caac0e',7776000,7460,0,404,'[''transferred'', ''error'']','('''', [])');
INSERT INTO job_lifecycle VALUES('7376300a-07ed-4277-967d-4e6d497362cb',7200,0,0,0,'[''error'', ''modification'']','(''/bin/true'', [''true'', ''fixture''])');
INSERT INTO job_lifecycle VALUES('809cc277-8423-461d-8392-3ef67f61c234',7776000,0,0,0,'[''transferred'', ''error'']','('''', [])');
COMMIT;
PRAGMA user_version = 1;
