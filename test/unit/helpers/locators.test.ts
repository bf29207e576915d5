import {
	actionTypeLabel,
	checkAuthentication,
	NO_ACCOUNT,
	readLocator,
	resolveActionId,
} from '../../../nodes/ZapierActions/helpers/locators';

const rl = (value: unknown, mode = 'list') => ({ __rl: true, mode, value });

describe('reading a picker back', () => {
	test("a resource locator's mode and value; a plain value is an ID", () => {
		expect(readLocator(rl('send_email'))).toEqual({ mode: 'list', value: 'send_email' });
		expect(readLocator(rl(null, 'id'))).toEqual({ mode: 'id', value: '' });
		expect(readLocator('core:x')).toEqual({ mode: 'id', value: 'core:x' });
	});

	test('the account: empty or the list\'s "none" entry is none; an ID is checked', () => {
		expect(checkAuthentication(rl(''))).toEqual({ ok: true, value: null });
		expect(checkAuthentication(rl(NO_ACCOUNT))).toEqual({ ok: true, value: null });
		expect(checkAuthentication(rl('auth_1'))).toEqual({ ok: true, value: 'auth_1' });
		expect(checkAuthentication(rl('a/b', 'id'))).toMatchObject({ ok: false });
	});
});

describe("the action's ID", () => {
	const ids: Record<string, string> = { send_email: 'mailer_core:1234', dotted: '..' };
	const asked: Array<[string, string, string | undefined]> = [];
	const lookup = async (app: string, key: string, stale?: string) => {
		asked.push([app, key, stale]);
		return ids[key];
	};

	test('by ID, used as it is; from the list, looked up by key (again, given the stale ID)', async () => {
		expect(await resolveActionId(rl('core:x', 'id'), 'app-1', lookup)).toEqual({ ok: true, value: 'core:x' });
		expect(await resolveActionId(rl('send_email'), 'app-1', lookup, 'mailer_core:old')).toEqual({ ok: true, value: 'mailer_core:1234' });
		expect(asked).toEqual([['app-1', 'send_email', 'mailer_core:old']]);
	});

	test('a key the app no longer offers, a missing app, and an unusable ID from Zapier are refused', async () => {
		expect(await resolveActionId(rl('retired'), 'app-1', lookup)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/no longer offered/),
		});
		expect(await resolveActionId(rl('send_email'), '', lookup)).toEqual({ ok: false, problem: 'needs its App, which is required' });
		expect(await resolveActionId(rl('dotted'), 'app-1', lookup)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/unusable ID from Zapier/),
		});
	});

	test('action types read as words', () => {
		expect(actionTypeLabel('SEARCH_OR_WRITE')).toBe('search or write');
	});
});
