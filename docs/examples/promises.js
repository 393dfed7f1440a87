// SPDX-License-Identifier: LGPL-2.1-or-later
// Download files with async/await: Barge's _async/_finish pairs as promises.
//
//     gjs -m promises.js [--system] DEST_DIR URL...
//
// Each URL is saved in DEST_DIR under its last path element. Nothing
// blocks: every call to the daemon is awaited. Exits 0 once the files are
// in place, 1 if the job failed.

import Barge from 'gi://Barge?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {programArgs, exit} from 'system';

// GJS makes a promise of an _async call once it knows its _finish: called
// without a callback, the call then returns a promise of what _finish gives.
Gio._promisify(Barge.Client, 'new', 'new_finish');
Gio._promisify(Barge.Client.prototype, 'create_job_async', 'create_job_finish');
for (const method of ['add_files', 'resume', 'complete', 'cancel'])
    Gio._promisify(Barge.Job.prototype, `${method}_async`, `${method}_finish`);

// A promise of the state the job ends the transfer in.
function transferEnd(job) {
    return new Promise(resolve => {
        const handlers = [];
        const done = state => {
            handlers.forEach(id => job.disconnect(id));
            resolve(state);
        };
        handlers.push(job.connect('transferred', () => done(Barge.JobState.TRANSFERRED)));
        handlers.push(job.connect('failed', () => done(Barge.JobState.ERROR)));
    });
}

// Byte counts are 64-bit. Real sizes fit a JavaScript number exactly, but
// BARGE_SIZE_UNKNOWN (2^64 - 1) does not, and reading it makes GJS warn: ask
// is_total_known() first, and use get_fraction() (a double) for bars.
function describeFile(file) {
    if (!file.is_total_known())
        return `${file.get_local_path()}: size not known yet`;
    return `${file.get_local_path()}: ${Math.round(file.get_fraction() * 100)}% ` +
        `of ${file.get_bytes_total()} bytes`;
}

async function main(bus, urls, paths) {
    const client = await Barge.Client.new(bus, null);
    const job = await client.create_job_async('promises.js', Barge.JobType.DOWNLOAD, null, null);

    // A call that changed the job resolves once the job shows the change.
    await job.add_files_async(urls, paths, null);
    job.get_files().forEach(file => print(`queued ${file.get_remote_url()}`));

    // Listen before resuming, so that no signal is missed.
    const end = transferEnd(job);
    await job.resume_async(null);
    if (await end !== Barge.JobState.TRANSFERRED) {
        printerr(`failed (${job.get_error_name()}): ${job.get_error_message()}`);
        await job.cancel_async(null);
        return 1;
    }
    job.get_files().forEach(file => print(describeFile(file)));
    print(`transferred: ${job.get_progress().get_bytes_transferred()} bytes`);

    // Only Complete() moves the files to their final names.
    await job.complete_async(null);
    print(`done: ${Barge.job_state_to_string(job.get_state())}`);
    return 0;
}

let args = programArgs.slice();
let bus = Gio.BusType.SESSION;
if (args[0] === '--system') {
    bus = Gio.BusType.SYSTEM;
    args = args.slice(1);
}
if (args.length < 2) {
    printerr('usage: gjs -m promises.js [--system] DEST_DIR URL...');
    exit(2);
}
const dest = Gio.File.new_for_path(args[0]);
const urls = args.slice(1);
const paths = urls.map(url => {
    const name = GLib.path_get_basename(GLib.Uri.parse(url, GLib.UriFlags.NONE).get_path());
    return dest.get_child(name && name !== '/' ? name : 'index').get_path();
});

const loop = new GLib.MainLoop(null, false);
let status = 1;
main(bus, urls, paths).then(result => {
    status = result;
}).catch(error => {
    printerr(`error: ${error.message}`);
}).finally(() => loop.quit());
loop.run();
exit(status);
