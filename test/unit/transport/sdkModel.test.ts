import {
	actionsOf,
	appOf,
	connectionOf,
	decodeActionRef,
	encodeActionRef,
	fieldsOf,
} from '../../../nodes/ZapierActions/transport/api/sdkModel';
import { authorizationHeader, isRenewalDue, renewalTime } from '../../../nodes/ZapierActions/transport/clientCredentials';
import { quotaText } from '../../../nodes/ZapierActions/transport/failure';

describe("the SDK API's answers in the node's model", () => {
	test('an app is kept by its unversioned name, its versioned API beside it', () => {
		expect(appOf({ id: 'SlackCLIAPI@1.21.0', name: 'Slack', slug: 'slack', images: { url_32x32: 'https://x/s.png' } })).toEqual({
			id: 'SlackCLIAPI',
			selected_api: 'SlackCLIAPI@1.21.0',
			slug: 'slack',
			title: 'Slack',
			description: '',
			image: 'https://x/s.png',
			links: { connect_new_authentication: 'https://zapier.com/app/assets/connections' },
		});
		expect(appOf({ id: 'FormatterCLIAPI@2.0.0', name: 'Formatter', is_built_in: true }).links).toEqual({
			connect_new_authentication: null,
		});
	});

	test("an action's ID carries what a run names, and reads back; anything else is not one", () => {
		const ref = { selectedApi: 'SlackCLIAPI@1.21.0', type: 'write', key: 'send_channel_message', id: 'core:123' };
		expect(decodeActionRef(encodeActionRef(ref))).toEqual(ref);
		for (const raw of ['core:123', 'a|b|c', 'NoVersion|write|key|id', 'X@1|write||id', 'X@1|write|k|id|extra']) {
			expect(decodeActionRef(raw)).toBeUndefined();
		}
	});

	test('hidden actions are left out; types read as the Action Type filter names them', () => {
		const body = {
			results: [
				{
					selected_api: 'MailerCLIAPI@1.0.0',
					actions: [
						{ id: 'core:1', key: 'send', name: 'Send', type: 'write', description: 'Sends.' },
						{ id: 'core:2', key: 'list', name: 'List', type: 'read_bulk' },
						{ id: 'core:3', key: 'secret', name: 'Secret', type: 'write', is_hidden: true },
						{ id: 'core:4', name: 'No key', type: 'write' },
					],
				},
			],
		};
		expect(actionsOf(body, 'MailerCLIAPI@1.0.0')).toEqual([
			{
				id: 'MailerCLIAPI@1.0.0|write|send|core:1',
				key: 'send',
				title: 'Send',
				description: 'Sends.',
				action_type: 'WRITE',
				app: 'MailerCLIAPI',
			},
			{
				id: 'MailerCLIAPI@1.0.0|read_bulk|list|core:2',
				key: 'list',
				title: 'List',
				description: '',
				action_type: 'READ_BULK',
				app: 'MailerCLIAPI',
			},
		]);
	});

	test('a stale connection is flagged as expired, and its numeric ID kept as text', () => {
		expect(connectionOf({ id: 1001, title: 'work@example.com', is_stale: false })).toMatchObject({ id: '1001', is_expired: false });
		expect(connectionOf({ id: 1002, label: 'old', is_stale: true })).toMatchObject({ id: '1002', title: 'old', is_expired: true });
	});

	test('needs become input fields: types, inline choices, info text, and line-item groups as fieldsets', () => {
		const fields = fieldsOf([
			{ key: 'about', type: 'copy', help_text: 'Sends one email.' },
			{ key: 'to', label: 'To', type: 'string', required: true, placeholder: 'a@b.c' },
			{ key: 'body', label: 'Body', type: 'text' },
			{ key: 'copies', label: 'Copies', type: 'integer', default: '1' },
			{ key: 'priority', label: 'Priority', format: 'SELECT', choices: [{ key: 'p1', label: 'Priority 1', value: 'p1' }] },
			{ key: 'channel', label: 'Channel', format: 'SELECT', alters_custom_fields: true },
			{ key: 'labels', label: 'Labels', type: 'string', list: true },
			{ key: 'name', label: 'Name', parent_key: 'attachments' },
			{ key: 'url', label: 'URL', type: 'file', parent_key: 'attachments' },
		]);
		expect(fields.map((field) => [field.type, field.id, field.format, field.value_type])).toEqual([
			['info_field', 'about', undefined, undefined],
			['input_field', 'to', null, 'STRING'],
			['input_field', 'body', 'MULTILINE', 'STRING'],
			['input_field', 'copies', null, 'INTEGER'],
			['input_field', 'priority', 'SELECT', 'STRING'],
			['input_field', 'channel', 'SELECT', 'STRING'],
			['input_field', 'labels', null, 'ARRAY'],
			['fieldset', 'attachments', undefined, undefined],
		]);
		expect(fields[1]).toMatchObject({ title: 'To', is_required: true, placeholder: 'a@b.c' });
		expect(fields[4].choices).toEqual([{ label: 'Priority 1', value: 'p1' }]);
		expect(fields[5]).toMatchObject({ invalidates_input_fields: true });
		expect(fields[5].choices).toBeUndefined();
		expect((fields[7].fields as Array<{ id: string; format: string }>).map((field) => [field.id, field.format])).toEqual([
			['name', null],
			['url', 'FILE'],
		]);
	});
});

describe('the client-credentials token', () => {
	test('a JWT-shaped token goes under the JWT scheme, any other under Bearer', () => {
		expect(authorizationHeader('aaa.bbb.ccc')).toBe('JWT aaa.bbb.ccc');
		expect(authorizationHeader('opaque-token')).toBe('Bearer opaque-token');
		expect(authorizationHeader('a.b')).toBe('Bearer a.b');
		expect(authorizationHeader('a.b.c=')).toBe('Bearer a.b.c=');
	});

	test('is renewed 5 minutes before it expires, or after 90% of a shorter life', () => {
		expect(renewalTime(0, 3_600_000)).toBe(3_300_000);
		expect(renewalTime(0, 60_000)).toBe(54_000);
		expect(isRenewalDue(1_000, 999)).toBe(false);
		expect(isRenewalDue(1_000, 1_000)).toBe(true);
		expect(isRenewalDue(0, 1_000)).toBe(false);
		expect(isRenewalDue('1000', 5_000)).toBe(false);
	});
});

describe("a 429's quota text", () => {
	test('is read where the SDK API puts it', () => {
		expect(quotaText({ message: 'Quota of 100 runs a day reached.' })).toBe('Quota of 100 runs a day reached');
		expect(quotaText({ error: { message: 'Slow down' } })).toBe('Slow down');
		expect(quotaText({ error: 'Too many' })).toBe('Too many');
		expect(quotaText({ errors: [{ code: 'throttled', title: 'Too many requests', detail: '60 a minute' }] })).toBe('60 a minute');
		expect(quotaText({ errors: ['plain text'] })).toBe('plain text');
		expect(quotaText({})).toBeUndefined();
		expect(quotaText('<html>')).toBeUndefined();
	});
});
