import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { MessageBody } from '../src/components/MessageBody.js';
import { testClient, wrapper } from './fixtures.js';

function showHtml(formatted: string, mediaUrl?: (mxc: string) => Promise<string>) {
  const harness = testClient();
  if (mediaUrl) harness.spies.mediaUrl.mockImplementation(mediaUrl);
  const Wrapper = wrapper(harness.client);
  const view = render(
    <Wrapper>
      <MessageBody content={{ body: 'plain', format: 'org.matrix.custom.html', formatted_body: formatted }} />
    </Wrapper>,
  );
  return { ...harness, body: view.container.firstElementChild as HTMLElement };
}

/** A promise settled from the test. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('MessageBody', () => {
  it('shows mxc images as authenticated blob URLs, their box reserved from width/height', async () => {
    const fetch = deferred<string>();
    const { body, spies } = showHtml(
      '<p>Top: <img src="mxc://example.org/summit" alt="the summit" title="Summit" width="640" height="480"></p>',
      () => fetch.promise,
    );
    const placeholder = body.querySelector('.om-inline-image--loading') as HTMLElement;
    expect(placeholder.style.aspectRatio).toBe('320 / 240');
    expect(placeholder.style.width).toBe('20rem');
    expect(placeholder.textContent).toBe('the summit');
    expect(body.querySelector('img')).toBeNull();
    await act(async () => fetch.resolve('blob:summit'));
    const image = screen.getByRole('img', { name: 'the summit' });
    expect(image.getAttribute('src')).toBe('blob:summit');
    expect(image.getAttribute('title')).toBe('Summit');
    expect(image.getAttribute('width')).toBe('320');
    expect(image.getAttribute('height')).toBe('240');
    expect(image.closest('p')?.textContent).toBe('Top: ');
    expect(spies.mediaUrl).toHaveBeenCalledWith('mxc://example.org/summit', {
      width: 320,
      height: 240,
      method: 'scale',
    });
    expect(body.innerHTML).not.toContain('mxc:');
  });

  it('keeps custom emoji (data-mx-emoticon) to the height of a line', async () => {
    const { body } = showHtml(
      'hi <img data-mx-emoticon src="mxc://example.org/wave" alt=":wave:" height="64">',
    );
    const image = await screen.findByRole('img', { name: ':wave:' });
    expect(image.classList.contains('om-inline-image--emoticon')).toBe(true);
    expect(image.style.height).toBe('2rem');
    expect(image.getAttribute('height')).toBe('32');
    expect(body.textContent).toBe('hi ');
  });

  it.each([
    'javascript:alert(1)',
    'http://tracker.example/pixel.png',
    'https://tracker.example/pixel.png',
    'data:image/png;base64,iVBORw0KGgo=',
    'mxc://../media/abc',
    'mxc://./abc',
    'mxc://example.org/../../abc',
    'mxc://example.org/a%2F..%2Fb',
    'mxc://example.org/abc?x=1',
    'mxc://example.org/abc" onerror="alert(1)',
    ' mxc://example.org/abc',
  ])('never fetches or renders the source %j: the alt text stands in', (src) => {
    const { body, spies } = showHtml(`a <img src='${src}' alt="pic"> b`);
    expect(body.querySelector('img')).toBeNull();
    expect(body.textContent).toBe('a pic b');
    expect(body.innerHTML).not.toMatch(/javascript|tracker|data:|mxc:|onerror/);
    expect(spies.mediaUrl).not.toHaveBeenCalled();
  });

  it('shows the alt text of an image that cannot be fetched', async () => {
    const { body } = showHtml('<img src="mxc://example.org/gone" alt="gone">', () =>
      Promise.reject(new Error('404')),
    );
    await waitFor(() => expect(body.querySelector('.om-inline-image__alt')?.textContent).toBe('gone'));
    expect(body.querySelector('img')).toBeNull();
  });

  it('shows the alt text of an image that does not decode', async () => {
    const { body } = showHtml('<img src="mxc://example.org/notimage" alt="not an image">');
    const image = await screen.findByRole('img', { name: 'not an image' });
    fireEvent.error(image);
    expect(body.querySelector('img')).toBeNull();
    expect(body.querySelector('.om-inline-image__alt')?.textContent).toBe('not an image');
  });

  it('passes axe with images loading, loaded and failed', async () => {
    const fetch = deferred<string>();
    const { body, spies } = showHtml(
      '<p><img src="mxc://example.org/a" alt="a" width="10" height="10"> <img src="mxc://example.org/b" alt="b"> ' +
        '<img src="mxc://example.org/c"></p>',
      (mxc) => (mxc.endsWith('/a') ? fetch.promise : Promise.resolve(`blob:${mxc.slice(-1)}`)),
    );
    const check = async () =>
      (await axe.run(body, { rules: { 'color-contrast': { enabled: false } } })).violations.map(
        (violation) => violation.id,
      );
    await screen.findByRole('img', { name: 'b' });
    expect(await check()).toEqual([]);
    await act(async () => fetch.reject(new Error('gone')));
    expect(body.querySelector('.om-inline-image__alt')?.textContent).toBe('a');
    expect(await check()).toEqual([]);
    expect(spies.mediaUrl).toHaveBeenCalledTimes(3);
  });

  it('renders the rest of the allowlist as elements: classes, list starts, tables, escaped text', () => {
    const { body } = showHtml(
      '<pre><code class="language-ts">let a = 1;</code></pre><ol start="3"><li>c</li></ol>' +
        '<table>\n<tbody>\n<tr><td>1</td></tr>\n</tbody></table>&lt;script&gt;x&lt;/script&gt;',
    );
    expect(body.querySelector('code')?.className).toBe('language-ts');
    expect(body.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(body.querySelector('td')?.textContent).toBe('1');
    expect(body.querySelector('script')).toBeNull();
    expect(body.textContent).toContain('<script>x</script>');
  });
});
