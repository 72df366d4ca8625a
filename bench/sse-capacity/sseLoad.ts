import { type ClientRequest, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pool } from '../cutover/phases.js';
import { serve } from './ipc.js';
import { LatencyRecorder } from './latency.js';
import { benchDisplayName } from './sdkSession.js';

/**
 * Child process: the browsers. One SSE stream per user against the broker, each reading its
 * events and timing the bench's messages; apart from that, idle.
 */

const DEVICE_KEY = 'bench-sse-device';
const recorder = new LatencyRecorder();
const streams: ClientRequest[] = [];
let closing = false;
/** Connection attempts answered 503 or 429 and tried again. */
let retries = 0;
const MAX_ATTEMPTS = 10;

/** A 503 or 429: the broker (or Synapse behind it) is busy, try again later. */
class Busy extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

function busyOr(status: number | undefined, retryAfter: string | undefined, what: string): Error {
  const message = `${what}: ${status}`;
  if (status !== 503 && status !== 429) return new Error(message);
  return new Busy(message, Math.max(1, Number(retryAfter) || 2) * 1000);
}
/** Streams that ended or failed after they were up: the bench reports them. */
let dropped = 0;

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw busyOr(
      response.status,
      response.headers.get('retry-after') ?? undefined,
      `POST ${new URL(url).pathname}: ${text.slice(0, 200)}`,
    );
  }
  return JSON.parse(text) as T;
}

/**
 * Opens `GET /api/matrix/events?ticket=…` and resolves once the initial sync's batch marker has
 * arrived; the stream then stays open, handing timeline messages to the recorder.
 */
function openStream(brokerUrl: string, ticket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${brokerUrl}/api/matrix/events?ticket=${encodeURIComponent(ticket)}`, {
      headers: { accept: 'text/event-stream' },
    });
    streams.push(req);
    let up = false;
    const fail = (err: Error) => {
      if (up && !closing) dropped++;
      reject(err);
    };
    req.on('error', fail);
    req.once('response', (response) => {
      if (response.statusCode !== 200) {
        reject(busyOr(response.statusCode, response.headers['retry-after'], 'GET /api/matrix/events'));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let pending = '';
      response.on('data', (chunk: string) => {
        pending += chunk;
        let end = pending.indexOf('\n\n');
        while (end !== -1) {
          onFrame(pending.slice(0, end), () => {
            up = true;
            resolve();
          });
          pending = pending.slice(end + 2);
          end = pending.indexOf('\n\n');
        }
      });
      response.on('error', fail);
      response.once('end', () => fail(new Error('the event stream ended')));
    });
    req.end();
  });
}

async function connectUser(brokerUrl: string, user: string): Promise<void> {
  // The display name the setup gave: another would be a profile change, seen by every member.
  const { token } = await postJson<{ token: string }>(`${brokerUrl}/v1/dev/host-token`, {
    userId: user,
    displayName: benchDisplayName(user),
  });
  const { ticket } = await postJson<{ ticket: string }>(
    `${brokerUrl}/v1/sse/ticket`,
    { deviceKey: DEVICE_KEY },
    token,
  );
  await openStream(brokerUrl, ticket);
}

function onFrame(frame: string, ready: () => void): void {
  let event = '';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (event === 'm.room.message') {
    const arrived = performance.timeOrigin + performance.now();
    const parsed = JSON.parse(data) as { section?: string; event?: { content?: unknown } };
    if (parsed.section === 'timeline') recorder.record(parsed.event?.content, arrived);
  } else if (event === 'org.openmeet.batch') ready();
}

serve({
  retries: async () => retries,
  connect: async ({
    brokerUrl,
    users,
    concurrency,
  }: {
    brokerUrl: string;
    users: string[];
    concurrency: number;
  }) => {
    const failures: string[] = [];
    await pool(users, concurrency, async (user) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await connectUser(brokerUrl, user);
        } catch (err) {
          // Like EventSource: a busy broker (503, 429) is retried after its Retry-After.
          if (!(err instanceof Busy) || attempt >= MAX_ATTEMPTS) {
            failures.push(`${user}: ${err instanceof Error ? err.message : String(err)}`);
            return;
          }
          retries++;
          await sleep(err.retryAfterMs);
        }
      }
    });
    return { failures };
  },
  latencyStart: async (run: string) => recorder.start(run),
  latencyCount: async () => recorder.count,
  latencyStop: async () => recorder.stop(),
  dropped: async () => dropped,
  close: async () => {
    closing = true;
    for (const stream of streams.splice(0)) stream.destroy();
  },
});
