import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** What `axe.run` reports per violation, kept short for a readable failure. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * One user's tab of the example app, in its own browser context. Locators go by role and
 * accessible name, as a screen reader user would find things; Playwright's auto-waiting does the
 * waiting (no timed assertions: the machine is shared and slow).
 */
export class ChatPage {
  constructor(
    readonly page: Page,
    readonly user: string,
  ) {}

  get displayName(): string {
    return this.user.charAt(0).toUpperCase() + this.user.slice(1);
  }

  async signIn(): Promise<void> {
    await this.page.getByRole('button', { name: `Sign in as ${this.displayName}` }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Follows a link of the app's "Sections" navigation and waits for the page's conversation. */
  async openSection(name: string | RegExp): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  }

  /** Opens the DM with another demo user from the people picker. */
  async openDirectMessage(displayName: string): Promise<void> {
    await this.openSection('Direct messages');
    await this.page.getByRole('link', { name: `Message ${displayName}` }).click();
    await this.composer.waitFor();
  }

  /** The message field of the open room (labelled "Message <room name>"). */
  get composer(): Locator {
    return this.page.getByRole('textbox', { name: /^Message / });
  }

  /** The open room's timeline (`role="log"`, "Messages in <room name>"). */
  get timeline(): Locator {
    return this.page.getByRole('log');
  }

  get typingIndicator(): Locator {
    return this.page.locator('.om-typing');
  }

  /** A message of the open room containing `text`. */
  message(text: string | RegExp): Locator {
    return this.timeline.locator('article', { hasText: text });
  }

  /**
   * The read receipts of a message ("Seen by …", an image for assistive technology), drawn just
   * after the message in its timeline row.
   */
  receipts(text: string | RegExp, label: string): Locator {
    return this.message(text).locator(
      `xpath=following-sibling::*[@role="img"][@aria-label=${JSON.stringify(label)}]`,
    );
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  /** A message of the open room containing `text` that the server has accepted (it has an event id). */
  sent(text: string | RegExp): Locator {
    return this.message(text).and(this.page.locator('[data-event-id]'));
  }

  /** The "Sending…" mark of a message still in the outbox (queued, or in flight). */
  sending(text: string | RegExp): Locator {
    return this.message(text).getByText('Sending…');
  }

  /** The bodies of the timeline's messages as rendered now, top to bottom (only rows in and near view). */
  async bodies(): Promise<string[]> {
    return this.timeline.locator('article .om-message__body').allInnerTexts();
  }

  /**
   * The connection banner (`role="status"`): empty while live, else the status and how many
   * messages wait to be sent; `data-status` holds the client's connection status.
   */
  get connectionBanner(): Locator {
    return this.page.locator('.om-connection[role="status"]');
  }

  /** Waits until the client's connection status is `status` (`live`, `offline`, `fallback`, …). */
  async connectionIs(status: string, options: { timeout?: number } = {}): Promise<void> {
    await this.page
      .locator(`.om-connection[role="status"][data-status=${JSON.stringify(status)}]`)
      .waitFor({ state: 'attached', ...options });
  }

  /** Runs an action of a message's menu ("Edit", "Delete", "Reply"). */
  async messageAction(text: string | RegExp, action: string): Promise<void> {
    const message = this.message(text);
    await message.getByRole('button', { name: /^Actions for the message/ }).click();
    await message.getByRole('menuitem', { name: action }).click();
  }

  /** Waits until `text` is in the open room's timeline. */
  async sees(text: string | RegExp): Promise<void> {
    await this.message(text).first().waitFor();
  }

  async screenshot(name: string): Promise<void> {
    await mkdir(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  /** axe-core's violations on the page as it is now (WCAG 2.x A/AA and best practices). */
  async axeViolations(): Promise<AxeViolation[]> {
    await this.page.addScriptTag({ path: AXE });
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }).axe;
      const results = await axe.run(document);
      return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
    });
  }
}

interface AxeResults {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: Array<{ target: string[] }>;
  }>;
}
