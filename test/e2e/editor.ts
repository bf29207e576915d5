/** n8n's editor in headless Chromium (Debian's chromium, driven by playwright-core). */
import { existsSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { OWNER } from '../../harness/n8n';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
	}
	return await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

export async function signIn(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	// n8n 2.x gives the inputs these IDs; n8n 1.x only names them.
	await page.fill('#emailOrLdapLoginId, input[name="emailOrLdapLoginId"]', OWNER.email);
	await page.fill('#password, input[name="password"]', OWNER.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
}

export const byTestId = (page: Page, id: string) => page.locator(`[data-test-id="${id}"]`);

/** The text input of a "From list / By ID" parameter. */
export const rlInput = (page: Page, name: string) => page.locator(`[data-test-id="resource-locator-${name}"] [data-test-id="rlc-input"]`);

/**
 * Picks from a list, as a user would when a list stays empty: closes it and opens it again, typing
 * the start of the name (a new search). n8n 1.x closes a list only on a click elsewhere.
 */
export async function pickFromList(page: Page, name: string, item: string): Promise<void> {
	const entry = page.locator('[data-test-id="rlc-item"]:visible', { hasText: item }).first();
	for (let tries = 0; tries < 3 && !(await entry.isVisible()); tries++) {
		if (await page.locator('[data-test-id="rlc-item"]:visible, [data-test-id="rlc-input"]:focus').count()) {
			await byTestId(page, 'output-panel').click({ position: { x: 50, y: 50 } });
		}
		await rlInput(page, name).click();
		if (tries > 0) await page.keyboard.type(item.slice(0, 4));
		await entry.waitFor({ timeout: 15_000 }).catch(() => undefined);
	}
	await entry.click();
	const value = await rlInput(page, name).evaluate((el) => (el instanceof HTMLInputElement ? el.value : el.querySelector('input')?.value));
	if (value !== item) throw new Error(`Picked "${value}" for ${name}, not "${item}"`);
}
