// SPDX-License-Identifier: LGPL-2.1-or-later
// List and cancel Barge jobs.
//
//     gjs -m jobs.js [--system] list
//     gjs -m jobs.js [--system] cancel JOB_ID...
//     gjs -m jobs.js [--system] cancel-all
//
// `list` prints one job per line: id, state, bytes transferred/total, name.
// The daemon is reached on the session bus unless --system.

import Barge from 'gi://Barge?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {programArgs, exit} from 'system';

function describe(job) {
    const progress = job.get_progress();
    const total = progress.is_total_known() ? `${progress.get_bytes_total()}` : '?';
    const state = Barge.job_state_to_string(job.get_state());
    return `${job.get_id()} ${state.padEnd(15)} ` +
        `${progress.get_bytes_transferred()}/${total} ${job.get_display_name()}`;
}

// Cancels the jobs at once and waits until the daemon removed them.
function cancelAll(client, jobs) {
    const loop = new GLib.MainLoop(null, false);
    const pending = new Set(jobs.map(job => job.get_object_path()));
    let failures = 0;
    const done = path => {
        pending.delete(path);
        if (pending.size === 0)
            loop.quit();
    };

    const handler = client.connect('job-removed', (_client, job, finalState) => {
        print(`cancelled ${job.get_id()} -> ${finalState}`);
        done(job.get_object_path());
    });
    for (const job of jobs) {
        job.cancel_async(null, (source, res) => {
            try {
                job.cancel_finish(res);
            } catch (error) {
                printerr(`cannot cancel ${job.get_id()}: ${error.message}`);
                failures++;
                done(job.get_object_path());
            }
        });
    }
    if (pending.size > 0)
        loop.run();
    client.disconnect(handler);
    return failures > 0 ? 1 : 0;
}

let args = programArgs.slice();
let bus = Gio.BusType.SESSION;
if (args[0] === '--system') {
    bus = Gio.BusType.SYSTEM;
    args = args.slice(1);
}
if (!['list', 'cancel', 'cancel-all'].includes(args[0])) {
    printerr('usage: gjs -m jobs.js [--system] list | cancel JOB_ID... | cancel-all');
    exit(2);
}

const client = Barge.Client.new_sync(bus, null);
const jobs = client.list_jobs_sync(false, null);
if (args[0] === 'list') {
    jobs.forEach(job => print(describe(job)));
    exit(0);
}
if (args[0] === 'cancel-all')
    exit(cancelAll(client, jobs));

const chosen = [];
for (const id of args.slice(1)) {
    try {
        chosen.push(client.get_job_sync(id, null));
    } catch (error) {
        printerr(`${id}: ${error.message}`);
        exit(1);
    }
}
exit(cancelAll(client, chosen));
