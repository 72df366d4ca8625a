import { matrixUserIdFor } from '@openmeet/broker';
import { matrixRequest, type Testbed } from '@openmeet/testbed';
import { pool } from '../cutover/phases.js';
import { adminLogin } from '../shared/adminLogin.js';
import { messageBody, senderIndexes } from './messageBody.js';

/** The localpart prefix `startE2eBed` gives the broker's application service. */
const LOCALPART_PREFIX = 'om_';

export interface SeedResult {
  seconds: number;
  failures: string[];
}

/**
 * `count` text messages into `roomId`, straight to Synapse, from `senders` (demo users already in
 * the room) taking turns, `concurrency` sends in flight. Each sender's token comes from Synapse's
 * admin login API, so no browser or broker is involved.
 */
export async function seedMessages(
  testbed: Testbed,
  roomId: string,
  options: {
    senders: readonly string[];
    count: number;
    concurrency: number;
    progress: (line: string) => void;
  },
): Promise<SeedResult> {
  const tokens = await Promise.all(
    options.senders.map((user) =>
      adminLogin(
        testbed,
        matrixUserIdFor(user, { prefix: LOCALPART_PREFIX, serverName: testbed.serverName }),
      ),
    ),
  );
  const senders = senderIndexes(options.count, tokens.length);
  const failures: string[] = [];
  const started = performance.now();
  let sent = 0;
  await pool([...senders.keys()], options.concurrency, async (seq) => {
    const answer = await matrixRequest(
      testbed.homeserverUrl,
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/bench-${seq}`,
      {
        method: 'PUT',
        token: tokens[senders[seq] as number] as string,
        body: { msgtype: 'm.text', body: messageBody(seq + 1) },
      },
    ).catch((err: unknown) => ({ status: 0, body: { error: String(err) } }));
    if (answer.status !== 200)
      failures.push(`message ${seq + 1}: ${answer.status} ${JSON.stringify(answer.body)}`);
    sent++;
    if (sent % 1000 === 0) {
      const rate = sent / ((performance.now() - started) / 1000);
      options.progress(`seeded ${sent}/${options.count} (${rate.toFixed(0)}/s)`);
    }
  });
  return { seconds: (performance.now() - started) / 1000, failures };
}
