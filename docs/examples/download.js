// SPDX-License-Identifier: LGPL-2.1-or-later
// Download several files with one Barge job and show a progress bar.
//
//     gjs -m download.js [--system] DEST_DIR URL...
//
// Each URL is saved in DEST_DIR under its last path element. The daemon is
// reached on the session bus (DBUS_SESSION_BUS_ADDRESS), or on the system
// bus with --system. Exits 0 once the files are in place, 1 if the job failed.

import Barge from 'gi://Barge?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {programArgs, exit} from 'system';

function progressBar(progress, width = 40) {
    const fraction = progress.get_fraction();
    const done = progress.get_bytes_transferred();
    // The total is not known until the server told every file's size.
    if (fraction < 0)
        return `[${'?'.repeat(width)}] ${done} bytes`;
    const filled = Math.floor(fraction * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` +
        `${Math.floor(fraction * 100)}% ${done}/${progress.get_bytes_total()} bytes, ` +
        `${progress.get_files_transferred()}/${progress.get_files_total()} files`;
}

let args = programArgs.slice();
let bus = Gio.BusType.SESSION;
if (args[0] === '--system') {
    bus = Gio.BusType.SYSTEM;
    args = args.slice(1);
}
if (args.length < 2) {
    printerr('usage: gjs -m download.js [--system] DEST_DIR URL...');
    exit(2);
}
const dest = Gio.File.new_for_path(args[0]);
const urls = args.slice(1);
const paths = urls.map(url => {
    const name = GLib.path_get_basename(GLib.Uri.parse(url, GLib.UriFlags.NONE).get_path());
    return dest.get_child(name && name !== '/' ? name : 'index').get_path();
});

const client = Barge.Client.new_sync(bus, null);
const job = client.create_job_sync('download.js', Barge.JobType.DOWNLOAD, null, null);
// Progress is announced at most every 500 ms by default: ask for 200.
job.set_property_sync('minimum-notification-interval', 200, null);
job.add_files_sync(urls, paths, null);

const loop = new GLib.MainLoop(null, false);
let status = 1;

job.connect('notify::progress', () => print(progressBar(job.get_progress())));
job.connect('transferred', () => {
    print(progressBar(job.get_progress()));
    // Only Complete() moves the files to their final names.
    job.complete_async(null, (source, res) => {
        try {
            job.complete_finish(res);
            print('done:');
            paths.forEach(path => print(`  ${path}`));
            status = 0;
        } catch (error) {
            printerr(`could not complete the job: ${error.message}`);
        }
        loop.quit();
    });
});
job.connect('failed', (_job, context, errorName, message) => {
    printerr(`failed (${errorName}): ${message}`);
    job.cancel_sync(null);
    loop.quit();
});

job.resume_sync(null);
loop.run();
exit(status);
