/**
 * What the sandbox offers to pick from: apps, their actions, the user's connected accounts, and each
 * action's input fields, shaped as Zapier's discovery endpoints answer.
 */
export interface CatalogApp {
	id: string;
	slug: string;
	title: string;
	description: string;
	needsAccount: boolean;
	actions: CatalogAction[];
	authentications: Array<{ id: string; title: string; is_expired: boolean }>;
}

export interface CatalogAction {
	key: string;
	title: string;
	description: string;
	action_type: 'READ' | 'READ_BULK' | 'SEARCH' | 'SEARCH_AND_WRITE' | 'SEARCH_OR_WRITE' | 'WRITE';
	fields: string;
	/** Listed by the SDK API only, so that the Partner API's lists stay as they were. */
	sdkOnly?: boolean;
	/** Listed with `is_hidden: true` (the SDK API's lists hold hidden actions, which clients leave out). */
	hidden?: boolean;
}

export type Field = Record<string, unknown>;

const field = (id: string, title: string, extra: Field = {}): Field => ({
	type: 'input_field',
	id,
	title,
	description: '',
	default_value: '',
	placeholder: '',
	is_required: false,
	depends_on: [],
	invalidates_input_fields: false,
	format: null,
	value_type: 'STRING',
	items: null,
	...extra,
});

export const PRIORITIES = Array.from({ length: 25 }, (_, i) => ({ label: `Priority ${i + 1}`, value: `p${i + 1}` }));
export const CHANNELS = ['general', 'random', 'support'].map((name) => ({ label: `#${name}`, value: `C_${name.toUpperCase()}` }));
export const FOLDERS = ['INBOX', 'Work', 'Spam'].map((label) => ({ label, value: label.toUpperCase() }));

/** Input fields by kind (an action's `fields`). `channel` invalidates, and `thread` depends on it; `mailbox` is the trigger's. */
export function inputFields(kind: string, inputs: Record<string, unknown>): Field[] {
	if (kind === 'email') {
		return [
			{ type: 'info_field', id: 'about', description: 'Sends one email from the connected mailbox.' },
			field('to', 'To', { is_required: true, placeholder: 'someone@example.com' }),
			field('subject', 'Subject', { is_required: true }),
			field('body', 'Body', { format: 'MULTILINE' }),
			field('send_at', 'Send At', { format: 'DATETIME' }),
			field('priority', 'Priority', { format: 'SELECT' }),
			field('copies', 'Copies', { value_type: 'INTEGER', default_value: 1 }),
			field('budget', 'Budget', { value_type: 'NUMBER' }),
			field('track_opens', 'Track Opens', { value_type: 'BOOLEAN' }),
			field('labels', 'Labels', { value_type: 'ARRAY', items: { type: 'string' } }),
			field('headers', 'Headers', { value_type: 'OBJECT' }),
			field('api_key', 'Signature Key', { format: 'PASSWORD' }),
			{
				type: 'fieldset',
				id: 'attachments',
				title: 'Attachments',
				fields: [field('name', 'Name', { is_required: true }), field('url', 'URL', { format: 'FILE' })],
			},
		];
	}
	if (kind === 'message') {
		const fields = [
			field('channel', 'Channel', { format: 'SELECT', is_required: true, invalidates_input_fields: true }),
			field('text', 'Text', { is_required: true, format: 'MULTILINE' }),
		];
		if (inputs.channel) fields.push(field('thread', 'Thread', { format: 'SELECT', depends_on: ['channel'] }));
		return fields;
	}
	if (kind === 'mailbox') {
		return [
			field('folder', 'Folder', { format: 'SELECT', is_required: true }),
			field('from_contains', 'From Contains', { description: 'Only emails whose sender contains this.' }),
		];
	}
	return [field('query', 'Query', { is_required: true })];
}

export function choices(kind: string, fieldId: string, inputs: Record<string, unknown>) {
	if (kind === 'email' && fieldId === 'priority') return PRIORITIES;
	if (kind === 'message' && fieldId === 'channel') return CHANNELS;
	if (kind === 'mailbox' && fieldId === 'folder') return FOLDERS;
	if (kind === 'message' && fieldId === 'thread') {
		return [1, 2].map((n) => ({ label: `Thread ${n} in ${String(inputs.channel)}`, value: `${String(inputs.channel)}_T${n}` }));
	}
	return [];
}

const uuid = (n: number) => `5a1d0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const APPS: CatalogApp[] = [
	{
		id: uuid(1),
		slug: 'mailer',
		title: 'Mailer',
		description: 'Send and find email.',
		needsAccount: true,
		actions: [
			{ key: 'send_email', title: 'Send Email', description: 'Sends an email.', action_type: 'WRITE', fields: 'email' },
			{ key: 'find_email', title: 'Find Email', description: 'Finds an email by search.', action_type: 'SEARCH', fields: 'search' },
			{ key: 'new_email', title: 'New Email', description: 'Reads new emails.', action_type: 'READ', fields: 'mailbox' },
			{
				key: 'list_emails',
				title: 'List Emails',
				description: 'Lists the mailbox, a page at a time.',
				action_type: 'READ_BULK',
				fields: 'search',
				sdkOnly: true,
			},
			{
				key: 'send_email_legacy',
				title: 'Send Email (Legacy)',
				description: 'The old way to send an email.',
				action_type: 'WRITE',
				fields: 'email',
				sdkOnly: true,
				hidden: true,
			},
		],
		authentications: [
			{ id: 'auth_mailer_work', title: 'work@example.com', is_expired: false },
			{ id: 'auth_mailer_old', title: 'old@example.com', is_expired: true },
			{ id: 'auth_mailer_home', title: 'home@example.com', is_expired: false },
		],
	},
	{
		id: uuid(2),
		slug: 'chat',
		title: 'Team Chat',
		description: 'Post messages to channels.',
		needsAccount: true,
		actions: [
			{ key: 'post_message', title: 'Post Message', description: 'Posts a message to a channel.', action_type: 'WRITE', fields: 'message' },
			{ key: 'find_user', title: 'Find User', description: 'Finds a user.', action_type: 'SEARCH', fields: 'search' },
		],
		authentications: [],
	},
	{
		id: uuid(3),
		slug: 'formatter',
		title: 'Formatter',
		description: 'Transform text, numbers and dates. Needs no account.',
		needsAccount: false,
		actions: [{ key: 'format_text', title: 'Format Text', description: 'Changes text case.', action_type: 'WRITE', fields: 'search' }],
		authentications: [],
	},
	...Array.from({ length: 7 }, (_, i) => ({
		id: uuid(10 + i),
		slug: `tool${i + 1}`,
		title: `Tool ${String.fromCharCode(65 + i)}`,
		description: 'Another app, to fill a page.',
		needsAccount: true,
		actions: [{ key: 'do_thing', title: 'Do Thing', description: 'Does a thing.', action_type: 'WRITE' as const, fields: 'search' }],
		authentications: [{ id: `auth_tool${i + 1}`, title: `tool${i + 1} account`, is_expired: false }],
	})),
];
