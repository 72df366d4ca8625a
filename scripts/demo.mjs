// The demo: a Synapse on SQLite that lives as long as this process. The broker and the example
// app join it as they are built (issues #3 and #7).
import { startTestbed } from '@openmeet/testbed';

const testbed = await startTestbed({ log: (line) => console.error(`[testbed] ${line}`) });

console.log(`
OpenMeet Chat demo is running (Ctrl+C stops it).

  Synapse        ${testbed.homeserverUrl}   (server name: ${testbed.serverName})
  Admin login    ${testbed.adminUserId}  password: ${testbed.adminPassword}
  Redis          ${testbed.redisUrl}

Try: curl ${testbed.homeserverUrl}/_matrix/client/versions
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error('\nstopping…');
    await testbed.stop();
    process.exit(0);
  });
}
setInterval(() => {}, 1 << 30);
