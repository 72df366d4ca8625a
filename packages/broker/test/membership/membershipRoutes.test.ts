import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { signWebhook } from '../../src/membership/index.js';
import { brokerFor, matrix, sessionFor } from '../support/brokerTestbed.js';
import {
  enc,
  type MembershipBed,
  SERVICE_USER,
  startMembershipBed,
  WEBHOOK_SECRET,
} from './membershipBed.js';

const EVENTS = '/v1/membership/events';
const RECONCILE = '/v1/membership/reconcile';
const entity = { kind: 'group', id: 'g-sync' } as const;
const now = () => Math.floor(Date.now() / 1000);

describe('membership webhook against a real Synapse', () => {
  let env: MembershipBed;
  let roomId: string;
  const logs: string[] = [];
  const idOf = (hostUserId: string) => env.app.services.provisioner.userIdFor(hostUserId);
  const added = (hostUserId: string, extra: Record<string, unknown> = {}) => ({
    events: [{ type: 'member.added', entity, hostUserId, ...extra }],
  });
  const say = (body: string, txn: string) =>
    env.app.services.synapse.sendEvent(roomId, 'm.room.message', txn, { msgtype: 'm.text', body });
  const bodiesSeenBy = async (accessToken: string) => {
    const response = await matrix<{ chunk?: Array<{ content: { body?: string } }> }>(
      env.bed.testbed.homeserverUrl,
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=100`,
      { token: accessToken },
    );
    return { status: response.status, bodies: (response.body.chunk ?? []).map((e) => e.content.body) };
  };

  beforeAll(async () => {
    env = await startMembershipBed({ BROKER_LOG_LEVEL: 'info' }, { write: (line) => logs.push(line) });
    ({ roomId } = await env.app.services.rooms.ensure({
      ...entity,
      slug: 'sync',
      name: 'Sync',
      visibility: 'private',
    }));
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('refuses bad signatures, stale timestamps, replays and altered bodies with 401, changing nothing', async () => {
    const expectRefused = async (response: { statusCode: number; json(): unknown }, code: string) => {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
    };
    const body = added('carol');
    await expectRefused(
      await env.signed(EVENTS, body, { secret: 'not-the-secret-0123456789abcdef0123' }),
      'OM_WEBHOOK_SIGNATURE',
    );
    await expectRefused(
      await env.app.inject({ method: 'POST', url: EVENTS, payload: body }),
      'OM_WEBHOOK_SIGNATURE',
    );
    await expectRefused(await env.signed(EVENTS, body, { timestamp: now() - 301 }), 'OM_WEBHOOK_STALE');
    await expectRefused(await env.signed(EVENTS, body, { timestamp: now() + 301 }), 'OM_WEBHOOK_STALE');

    // Signed, then altered on the way: one user swapped for another of the same length.
    const original = JSON.stringify(added('erin'));
    const tampered = await env.app.inject({
      method: 'POST',
      url: EVENTS,
      headers: { ...signWebhook(WEBHOOK_SECRET, original), 'content-type': 'application/json' },
      payload: original.replace('erin', 'carl'),
    });
    await expectRefused(tampered, 'OM_WEBHOOK_SIGNATURE');
    // Even an invalid body is answered 401, not 400, when the signature is wrong.
    await expectRefused(
      await env.signed(EVENTS, undefined, { raw: '{"events":[]}', secret: 'x'.repeat(40) }),
      'OM_WEBHOOK_SIGNATURE',
    );

    // A replay of an accepted request is refused, even after the state it set has moved on.
    const addDave = JSON.stringify(added('dave'));
    const daveHeaders = { ...signWebhook(WEBHOOK_SECRET, addDave), 'content-type': 'application/json' };
    const accepted = await env.app.inject({
      method: 'POST',
      url: EVENTS,
      headers: daveHeaders,
      payload: addDave,
    });
    expect(accepted.statusCode).toBe(200);
    const removed = await env.signed(EVENTS, {
      events: [{ type: 'member.removed', entity, hostUserId: 'dave' }],
    });
    expect(removed.json()).toMatchObject({ results: [{ outcome: 'changed' }], failed: 0 });
    const replayed = await env.app.inject({
      method: 'POST',
      url: EVENTS,
      headers: daveHeaders,
      payload: addDave,
    });
    await expectRefused(replayed, 'OM_WEBHOOK_REPLAY');

    expect(await env.membership(roomId, idOf('carol'))).toBeUndefined();
    expect(await env.membership(roomId, idOf('erin'))).toBeUndefined();
    expect(await env.membership(roomId, idOf('carl'))).toBeUndefined();
    expect(await env.membership(roomId, idOf('dave'))).toBe('leave');
  });

  it('verifies the exact bytes sent, however the JSON is laid out', async () => {
    const raw = `{ "events" : [\n  { "hostUserId": "frank", "entity": {"id":"g-sync","kind":"group"}, "type": "member.added" }\n] }`;
    const response = await env.signed(EVENTS, undefined, { raw });
    expect(response.statusCode).toBe(200);
    expect(await env.membership(roomId, idOf('frank'))).toBe('join');
  });

  it('member.added: the user is joined and reads the room, including earlier messages; once', async () => {
    await say('said before alice joined', 'before-alice');
    const response = await env.signed(EVENTS, added('alice', { displayName: 'Alice', role: 'moderator' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      results: [{ outcome: 'changed', roomId, userId: idOf('alice') }],
      failed: 0,
    });
    expect((await env.levels(roomId))[idOf('alice')]).toBe(50);

    const { response: session } = await sessionFor(env.app, 'alice', 'tab-alice-0001');
    const seen = await bodiesSeenBy(session.json().accessToken);
    expect(seen.status).toBe(200);
    expect(seen.bodies).toContain('said before alice joined');

    // The same change again, as a new delivery (an identical body in the same second is a replay).
    const again = await env.signed(EVENTS, {
      id: 'delivery-2',
      ...added('alice', { displayName: 'Alice', role: 'moderator' }),
    });
    expect(again.json()).toEqual({
      results: [{ outcome: 'unchanged', roomId, userId: idOf('alice') }],
      failed: 0,
    });
  });

  it('member.removed: the user sees nothing said after the removal and can no longer post', async () => {
    const { response: session } = await sessionFor(env.app, 'alice', 'tab-alice-0001');
    const token: string = session.json().accessToken;
    await say('said while alice was in', 'during-alice');
    const response = await env.signed(EVENTS, {
      events: [{ type: 'member.removed', entity, hostUserId: 'alice', reason: 'left the group' }],
    });
    expect(response.json()).toMatchObject({ results: [{ outcome: 'changed' }], failed: 0 });
    expect(await env.membership(roomId, idOf('alice'))).toBe('leave');
    expect(await env.levels(roomId)).not.toHaveProperty(idOf('alice'));
    await say('said after alice was removed', 'after-alice');

    const seen = await bodiesSeenBy(token);
    expect(seen.bodies).not.toContain('said after alice was removed');
    if (seen.status === 200) expect(seen.bodies).toContain('said while alice was in');
    else expect(seen.status).toBe(403);
    const post = await matrix(
      env.bed.testbed.homeserverUrl,
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/after-removal`,
      { method: 'PUT', token, body: { msgtype: 'm.text', body: 'still here?' } },
    );
    expect(post.status).toBe(403);

    const again = await env.signed(EVENTS, {
      events: [{ type: 'member.removed', entity, hostUserId: 'alice' }],
    });
    expect(again.json()).toMatchObject({ results: [{ outcome: 'unchanged' }] });
  });

  it('applies role changes and bans in order, and reports each event on its own', async () => {
    const response = await env.signed(EVENTS, {
      events: [
        { type: 'member.added', entity, hostUserId: 'bob' },
        { type: 'member.role_changed', entity, hostUserId: 'bob', role: 'admin' },
        { type: 'member.role_changed', entity, hostUserId: 'bob' },
        { type: 'member.role_changed', entity, hostUserId: 'bob', role: 'emperor' },
        { type: 'member.added', entity: { kind: 'event', id: 'no-such-event' }, hostUserId: 'bob' },
        { type: 'member.added', entity, hostUserId: 'gina' },
        { type: 'member.banned', entity, hostUserId: 'gina', reason: 'abuse' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const { results, failed } = response.json();
    expect(failed).toBe(3);
    expect(
      results.map((r: { outcome?: string; error?: { code: string } }) => r.outcome ?? r.error?.code),
    ).toEqual([
      'changed',
      'changed',
      'OM_BAD_REQUEST',
      'OM_BAD_REQUEST',
      'OM_ROOM_NOT_FOUND',
      'changed',
      'changed',
    ]);
    expect((await env.levels(roomId))[idOf('bob')]).toBe(75);
    expect(await env.membership(roomId, idOf('gina'))).toBe('ban');
  });

  it('refuses malformed bodies once authenticated', async () => {
    for (const body of [
      { events: [] },
      { events: [{ type: 'member.promoted', entity, hostUserId: 'x' }] },
      { events: [{ type: 'member.added', entity: { kind: 'venue', id: 'v' }, hostUserId: 'x' }] },
    ]) {
      const response = await env.signed(EVENTS, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('OM_BAD_REQUEST');
    }
  });

  it('reconciles through the endpoint and reports what it changed', async () => {
    const desired = {
      entities: [
        {
          entity,
          members: [
            { hostUserId: 'bob', role: 'admin' },
            { hostUserId: 'frank', role: 'moderator' },
            { hostUserId: 'hana', role: 'member' },
          ],
        },
        { entity: { kind: 'event', id: 'no-such-event' }, members: [] },
      ],
    };
    const response = await env.signed(RECONCILE, desired);
    expect(response.statusCode).toBe(200);
    const [report, missing] = response.json().reports;
    expect(report).toEqual({
      entity,
      roomId,
      added: [{ hostUserId: 'hana', userId: idOf('hana') }],
      removed: [],
      rolesChanged: [{ hostUserId: 'frank', userId: idOf('frank'), from: 0, to: 50 }],
      unchanged: 1,
      failed: [],
    });
    expect(missing).toMatchObject({ error: { code: 'OM_ROOM_NOT_FOUND' } });
    // gina stays banned: bans are the host's to lift (by adding her again).
    expect(await env.membership(roomId, idOf('gina'))).toBe('ban');

    const again = await env.signed(RECONCILE, { entities: [desired.entities[0]] });
    expect(again.json().reports[0]).toMatchObject({ added: [], removed: [], rolesChanged: [], unchanged: 3 });
  });

  it('writes one audit line per call, refused ones included', () => {
    const audits = logs
      .map(
        (line) =>
          JSON.parse(line) as { audit?: { actor: string; action: string; target?: string; result: number } },
      )
      .flatMap((entry) => (entry.audit ? [entry.audit] : []));
    expect(audits).toContainEqual({
      actor: 'host-webhook',
      action: 'POST /v1/membership/events',
      target: 'group:g-sync',
      result: 200,
    });
    expect(audits).toContainEqual({
      actor: 'host-webhook',
      action: 'POST /v1/membership/reconcile',
      target: 'group:g-sync event:no-such-event',
      result: 200,
    });
    expect(audits.filter((audit) => audit.result === 401).length).toBeGreaterThanOrEqual(6);
    expect(logs.join('\n')).not.toContain(WEBHOOK_SECRET);
  });

  it('counts refused signatures against the caller and then refuses it for a while', async () => {
    const strict = brokerFor({ ...env.env, BROKER_RATE_LIMIT_PER_MINUTE: '3', BROKER_LOG_LEVEL: 'silent' });
    try {
      for (let i = 0; i < 3; i++) {
        const refused = await env.signed(EVENTS, added('ivan'), { app: strict, secret: 'y'.repeat(40) });
        expect(refused.statusCode).toBe(401);
      }
      const blocked = await env.signed(EVENTS, added('ivan'), { app: strict });
      expect(blocked.statusCode).toBe(429);
      expect(await env.membership(roomId, idOf('ivan'))).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('does not exist without a webhook secret', async () => {
    const { BROKER_WEBHOOK_SECRET: _secret, ...withoutSecret } = env.env;
    const plain = brokerFor({ ...withoutSecret, BROKER_LOG_LEVEL: 'silent' });
    try {
      const response = await env.signed(EVENTS, added('ivan'), { app: plain });
      expect(response.statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });

  describe('openmeet-broker reconcile', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'om-reconcile-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const run = async (content: unknown) => {
      const file = join(dir, `desired-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(
        ['reconcile', '--file', file],
        { write: (chunk: string) => out.push(chunk) },
        { write: (chunk: string) => err.push(chunk) },
        env.env,
      );
      return { code, out: out.join(''), err: err.join('') };
    };

    it('repairs drift from a file and prints the JSON report; exit code 1 when anything failed', async () => {
      // The command runs with its own (memory) store, so it finds the room through the slug's alias.
      await env.as(SERVICE_USER, `/_matrix/client/v3/rooms/${enc(roomId)}/kick`, {
        body: { user_id: idOf('hana') },
      });
      const members = [
        { hostUserId: 'bob', role: 'admin' },
        { hostUserId: 'frank', role: 'moderator' },
        { hostUserId: 'hana', role: 'member' },
      ];
      const first = await run({ entities: [{ entity: { ...entity, slug: 'sync' }, members }] });
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      const output = JSON.parse(first.out);
      expect(output.summary).toEqual({
        entities: 1,
        entitiesFailed: 0,
        added: 1,
        removed: 0,
        rolesChanged: 0,
        unchanged: 2,
        failed: 0,
      });
      expect(output.reports[0].added).toEqual([{ hostUserId: 'hana', userId: idOf('hana') }]);
      expect(await env.membership(roomId, idOf('hana'))).toBe('join');

      const failing = await run({
        entities: [
          {
            entity: { ...entity, slug: 'sync' },
            members: [...members, { hostUserId: 'ivan', role: 'emperor' }],
          },
          { entity, members },
        ],
      });
      expect(failing.code).toBe(1);
      const failed = JSON.parse(failing.out);
      expect(failed.summary).toMatchObject({ entities: 2, entitiesFailed: 1, failed: 1, unchanged: 3 });
      expect(failed.reports[1].error.code).toBe('OM_ROOM_NOT_FOUND');
    });

    it('refuses a malformed file with exit code 2 before touching anything', async () => {
      const notJson = await run('{ nope');
      expect(notJson.code).toBe(2);
      expect(notJson.err).toContain('is not JSON');
      const wrongShape = await run({ entities: [{ entity: { kind: 'venue', id: 'v' }, members: [] }] });
      expect(wrongShape.code).toBe(2);
      expect(wrongShape.err).toContain('entities.0.entity.kind');
      const code = await main(['reconcile'], { write: () => true }, { write: () => true }, env.env);
      expect(code).toBe(2);
    });
  });
});
