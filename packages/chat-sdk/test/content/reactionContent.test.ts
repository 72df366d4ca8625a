import { describe, expect, it } from 'vitest';
import { reactionContent } from '../../src/content/reactionContent.js';

describe('reactionContent', () => {
  it('annotates the event with the key', () => {
    expect(reactionContent('$abc', '👍')).toEqual({
      'm.relates_to': { rel_type: 'm.annotation', event_id: '$abc', key: '👍' },
    });
  });

  it('refuses an empty key or a malformed event ID', () => {
    expect(() => reactionContent('$abc', '')).toThrow(/key/);
    expect(() => reactionContent('abc', '👍')).toThrow(/event ID/);
  });
});
