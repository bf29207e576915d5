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
