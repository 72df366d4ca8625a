// @vitest-environment happy-dom
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sanitizeMatrixHtml } from '../../src/content/sanitizeMatrixHtml.js';
import { outsideAllowlist } from './outsideAllowlist.js';

/** The sanitizer adds this to every link, on purpose. */
const allowRel = (tag: string, name: string, value: string) =>
  tag === 'a' && name === 'rel' && value === 'noopener noreferrer';

const ATTACKS = [
  '<script>alert(1)</script>ok',
  '<img src=x onerror="alert(1)">',
  '<b onclick="alert(1)" onmouseover=x>b</b>',
  '<a href="javascript:alert(1)">j</a>',
  '<a href="JaVaScRiPt:alert(1)">j</a>',
  '<a href=" javascript:alert(1)">j</a>',
  '<a href="java&#x09;script:alert(1)">j</a>',
  '<a href="java&#10;script:alert(1)">j</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">j</a>',
  '<a href="&#x6A;avascript&colon;alert(1)">j</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
  '<a href="vbscript:msgbox(1)">v</a>',
  '<a href="/relative">r</a><a href="//evil.example">p</a>',
  '<img src="http://evil.example/track.png" alt="tracker">',
  '<img src="mxc://example.org/abc" onerror="x" style="width:9999px">',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload="alert(1)"><a href="javascript:x">s</a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<span style="background:url(javascript:alert(1))" data-mx-color="red">s</span>',
  '<font color="#ff0000;background:url(x)" data-mx-bg-color="expression(alert(1))">f</font>',
  '<form action="https://evil.example"><input name="password"><button>go</button></form>',
  '<form><form><input></form></form>',
  '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>x</script></template><style>*{}</style><title>t</title>',
  '<div id="x" name="y" class="z" data-mx-maths="a">d</div>',
  '<code class="language-js hljs evil">c</code><code class="foo">c</code>',
  '<ol start="3 onload=x" type="a">o</ol><ol start="5">o</ol>',
  '<!-- <img src=x onerror=alert(1)> --><p>p</p>',
  '<mx-reply><blockquote>quoted <a href="https://x.org">x</a></blockquote></mx-reply>reply',
  '<details open ontoggle="x"><summary>s</summary>d</details>',
  '<table><tr><td><img src=x onerror=alert(1)></td></tr></table>',
  '<a href="https://ok.example" target="_self" rel="opener" ping="https://t.example">ok</a>',
  '<p><style>p{}</style><b>x</b></p><select><option><script>x</script></option></select>',
];

describe('sanitizeMatrixHtml', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(ATTACKS)('keeps only the allowlist for %j, stably', (attack) => {
    const clean = sanitizeMatrixHtml(attack);
    expect(outsideAllowlist(clean, allowRel)).toEqual([]);
    expect(clean).not.toMatch(/javascript|data:|vbscript|evil\.example|style=|on\w+=/i);
    // Sanitized output must survive another round unchanged (no mutation on re-parse).
    expect(sanitizeMatrixHtml(clean)).toBe(clean);
  });

  it('keeps permitted tags and attributes', () => {
    const html =
      '<h1>t</h1><p><b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <sup>1</sup><sub>2</sub> <em>e</em> <strong>s</strong></p>' +
      '<blockquote>q</blockquote><ul><li>l</li></ul><ol start="4"><li>o</li></ol><hr><br>' +
      '<pre><code class="language-ts">c</code></pre>' +
      '<table><caption>c</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>' +
      '<span data-mx-color="#00ff00" data-mx-bg-color="#FF0000" data-mx-spoiler="reason">s</span>' +
      '<font color="#123456">f</font><div data-mx-maths="x^2">x²</div>' +
      '<img src="mxc://example.org/abc" alt="a" title="t" width="10" height="20">' +
      '<img src="mxc://example.org/emote" alt=":e:" height="32" data-mx-emoticon="">' +
      '<details><summary>s</summary>d</details>';
    expect(sanitizeMatrixHtml(html)).toBe(html);
  });

  it('makes links safe to open', () => {
    expect(sanitizeMatrixHtml('<a href="https://example.org/x" target="_self">x</a>')).toBe(
      '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">x</a>',
    );
    expect(sanitizeMatrixHtml('<a href="mailto:a@example.org">m</a>')).toContain(
      'href="mailto:a@example.org"',
    );
    expect(sanitizeMatrixHtml('<a href="magnet:?xt=urn:btih:abc">m</a>')).toContain(
      'href="magnet:?xt=urn:btih:abc"',
    );
    expect(sanitizeMatrixHtml('<a href="ftp://example.org/f">f</a>')).toContain('href="ftp://example.org/f"');
  });

  it('drops unsafe link targets but keeps the link text', () => {
    expect(sanitizeMatrixHtml('<a href="java&#x09;script:alert(1)">j</a>')).toBe(
      '<a target="_blank" rel="noopener noreferrer">j</a>',
    );
  });

  it('replaces images from the web by their alt text', () => {
    expect(sanitizeMatrixHtml('a <img src="https://example.org/i.png" alt="cat"> b')).toBe('a cat b');
    expect(sanitizeMatrixHtml('<img src="https://example.org/i.png">')).toBe('');
    expect(sanitizeMatrixHtml('<img src="mxc://../media/abc" alt="up">')).toBe('up');
  });

  it('keeps only #rrggbb colours', () => {
    expect(sanitizeMatrixHtml('<span data-mx-color="red" data-mx-bg-color="#12345">s</span>')).toBe(
      '<span>s</span>',
    );
    expect(sanitizeMatrixHtml('<font color="#abcdef">f</font>')).toBe('<font color="#abcdef">f</font>');
  });

  it('drops mx-reply, scripts and foreign content with their content, and unwraps other elements', () => {
    expect(sanitizeMatrixHtml('<mx-reply><blockquote>old</blockquote></mx-reply>new')).toBe('new');
    expect(sanitizeMatrixHtml('<script>x()</script><style>p{}</style><svg><text>t</text></svg>a')).toBe('a');
    expect(sanitizeMatrixHtml('<form><label>name <b>bold</b></label><marquee>m</marquee></form>')).toBe(
      'name <b>bold</b>m',
    );
  });

  it('escapes text so it cannot become markup', () => {
    expect(sanitizeMatrixHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
  });

  it('truncates nesting deeper than 100 levels', () => {
    const deep = `${'<div>'.repeat(150)}deep${'</div>'.repeat(150)}`;
    const clean = sanitizeMatrixHtml(deep);
    expect(clean.match(/<div>/g)).toHaveLength(100);
    expect(clean).not.toContain('deep');
    expect(sanitizeMatrixHtml('<b><i><u>x</u></i></b>', { maxDepth: 2 })).toBe('<b><i></i></b>');
    expect(sanitizeMatrixHtml('<b>x</b>', { maxDepth: 1000 })).toBe('<b>x</b>');
  });

  it('survives very deep input of unknown elements', () => {
    const deep = `${'<x-a>'.repeat(5000)}x${'</x-a>'.repeat(5000)}`;
    expect(sanitizeMatrixHtml(`${deep}ok`)).toBe('ok');
  });

  it('uses a document passed in', async () => {
    const other = new Window();
    expect(
      sanitizeMatrixHtml('<b onclick="x">b</b>', { document: other.document as unknown as Document }),
    ).toBe('<b>b</b>');
    await other.happyDOM.close();
  });

  it('returns an empty string without a DOM, so callers render the plain body', () => {
    vi.stubGlobal('document', undefined);
    expect(sanitizeMatrixHtml('<b>b</b>')).toBe('');
  });
});
