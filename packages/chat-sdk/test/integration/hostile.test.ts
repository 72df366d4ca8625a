import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/index.js';
import { isChatSdkError, sanitizeMatrixHtml } from '../../src/index.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

describe('hostile content from another user (real Synapse)', () => {
  let bed: ChatBed;
  let alice: ChatClient;
  let bob: ChatClient;
  let roomId: string;

  let txn = 0;
  /** Bob bypasses the SDK: raw JSON, as a modified client could send it. */
  const send = async (type: string, json: string) => {
    const token = bed.accessToken(bob);
    const response = await fetch(
      `${bed.testbed.homeserverUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/hostile${txn++}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: json,
      },
    );
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { event_id: string }).event_id;
  };

  beforeAll(async () => {
    bed = await startChatBed();
    alice = bed.client('alice');
    bob = bed.client('bob');
    await Promise.all([alice.connect(), bob.connect()]);
    roomId = await bed.group('g-hostile', ['alice', 'bob']);
    await Promise.all([alice.openRoom(roomId), bob.openRoom(roomId)]);
  }, 120_000);
  afterAll(async () => {
    await bed?.stop();
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('stores scripts, prototype keys, malformed relations and huge bodies as inert data', async () => {
    const html =
      '<img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a><b>ok</b>';
    const scripted = await send(
      'm.room.message',
      JSON.stringify({
        msgtype: 'm.text',
        body: 'scripted',
        format: 'org.matrix.custom.html',
        formatted_body: html,
      }),
    );
    const proto = await send(
      'm.room.message',
      '{"msgtype":"m.text","body":"proto","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    await send(
      'm.reaction',
      `{"m.relates_to":{"rel_type":"m.annotation","event_id":"${proto}","key":"__proto__"}}`,
    );
    await send(
      'm.reaction',
      `{"m.relates_to":{"rel_type":"m.annotation","event_id":"${proto}","key":"constructor"}}`,
    );
    await send('m.room.message', '{"msgtype":"m.text","body":"bad relation","m.relates_to":"not an object"}');
    await send(
      'm.room.message',
      `{"msgtype":"m.text","body":"edit of proto","m.new_content":{"__proto__":{"polluted":"yes"},"body":"edited"},"m.relates_to":{"rel_type":"m.replace","event_id":"${proto}"}}`,
    );
    const huge = 'x'.repeat(60_000);
    await send('m.room.message', JSON.stringify({ msgtype: 'm.text', body: huge }));

    await eventually(() => {
      const bodies = messages(alice, roomId).map((m) => m.content.body);
      expect(bodies).toEqual(expect.arrayContaining(['scripted', 'bad relation', huge]));
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');

    const items = messages(alice, roomId);
    // Kept as received: rendering is where HTML is sanitized, never before.
    expect(items.find((m) => m.eventId === scripted)?.content.formatted_body).toBe(html);
    // A bogus "edit" from Bob of Bob's own message applies; its prototype key stays a plain key.
    const edited = items.find((m) => m.eventId === proto);
    expect(edited?.content.body).toBe('edited');
    expect(edited?.reactions.map((r) => r.key)).toEqual(['__proto__', 'constructor']);

    const { document } = new Window();
    const safe = sanitizeMatrixHtml(html, { document: document as unknown as Document });
    expect(safe).toContain('<b>ok</b>');
    expect(safe).not.toMatch(/script|onerror|javascript:/i);
  });

  it('refuses an oversized message locally, before any request', async () => {
    let requests = 0;
    const counting = bed.client('alice', {
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    await counting.openRoom(roomId);
    const before = requests;
    const error = await counting.sendMessage(roomId, 'y'.repeat(70_000)).catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_EVENT_TOO_LARGE')).toBe(true);
    expect(counting.store.getState().connection.queued).toBe(0);
    // Only the sync long-poll may have moved on meanwhile: no send was attempted.
    expect(requests - before).toBeLessThanOrEqual(1);
    expect(messages(counting, roomId).some((m) => String(m.content.body).startsWith('yyyy'))).toBe(false);
  });
});
