import { setTimeout as sleep } from 'node:timers/promises';
import type { CutoverSynapse } from '../cutover/synapse.js';
import { BENCH_FIELD, type BenchMark, preciseNow } from './latency.js';

export interface SendResult {
  sent: number;
  failures: string[];
  /** Milliseconds from PUT to Synapse's answer: its share of the fan-out latency. */
  putP50: number | null;
  putP99: number | null;
}

/**
 * Posts `rate` messages per second for `seconds` into the room as the service user, straight to
 * Synapse, each stamped with its send time. Sends start on schedule whether or not earlier ones
 * have been answered, so a slow answer does not lower the rate.
 */
export async function sendMessages(
  synapse: CutoverSynapse,
  roomId: string,
  options: { rate: number; seconds: number; run: string },
): Promise<SendResult> {
  const { testbed, asToken } = synapse;
  const total = options.rate * options.seconds;
  const failures: string[] = [];
  const inflight: Promise<void>[] = [];
  const answered: number[] = [];
  const started = performance.now();
  for (let seq = 0; seq < total; seq++) {
    const due = started + (seq * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const mark: BenchMark = { run: options.run, seq, sentAtUs: Math.round(preciseNow() * 1000) };
    const url =
      `${testbed.homeserverUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}` +
      `/send/m.room.message/${options.run}-${seq}`;
    inflight.push(
      fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${asToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'm.text', body: `bench message ${seq}`, [BENCH_FIELD]: mark }),
      }).then(
        async (response) => {
          if (!response.ok) failures.push(`message ${seq}: ${response.status} ${await response.text()}`);
          else {
            await response.arrayBuffer();
            answered.push(preciseNow() - mark.sentAtUs / 1000);
          }
        },
        (err: unknown) => {
          failures.push(`message ${seq}: ${err instanceof Error ? err.message : String(err)}`);
        },
      ),
    );
  }
  await Promise.all(inflight);
  answered.sort((a, b) => a - b);
  const at = (q: number) => answered[Math.min(answered.length - 1, Math.floor(q * answered.length))] ?? null;
  return { sent: total - failures.length, failures, putP50: at(0.5), putP99: at(0.99) };
}
