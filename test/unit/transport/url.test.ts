import {
	apiUrl,
	checkCallbackUrl,
	cursorQuery,
	isZapierApi,
	nextCursor,
	parseBaseUrl,
	queryString,
} from '../../../nodes/ZapierActions/transport/url';

const base = (raw: string) => {
	const parsed = parseBaseUrl(raw);
	if (!parsed.ok) throw new Error(parsed.problem);
	return parsed.value;
};
const zapier = base('https://api.zapier.com');

describe('the base URL of the credential', () => {
	test('http(s) only, without user info, query or fragment; a trailing slash is dropped', () => {
		expect(base('https://proxy.example/zapier/').href).toBe('https://proxy.example/zapier');
		expect(parseBaseUrl('ftp://api.zapier.com')).toMatchObject({ ok: false });
		expect(parseBaseUrl('https://user:pass@api.zapier.com')).toMatchObject({ ok: false });
		expect(parseBaseUrl('https://api.zapier.com?x=1')).toMatchObject({ ok: false });
		expect(parseBaseUrl('api.zapier.com')).toMatchObject({ ok: false, problem: '"api.zapier.com" is not a URL' });
	});
});

describe('URLs of the API', () => {
	test('segments are encoded one by one, under the base path', () => {
		expect(apiUrl(zapier, ['v2', 'action-runs', 'a/b?c#d'])).toEqual({
			ok: true,
			value: 'https://api.zapier.com/v2/action-runs/a%2Fb%3Fc%23d',
		});
		expect(apiUrl(base('https://proxy.example/zapier'), ['v2', 'apps'], { query: 'a&b', category: undefined })).toEqual({
			ok: true,
			value: 'https://proxy.example/zapier/v2/apps?query=a%26b',
		});
	});

	test.each(['.', '..', '', '%2e', '%2E%2e'])('a segment %p, which would step out of the path, is refused', (segment) => {
		expect(apiUrl(zapier, ['v2', 'action-runs', segment])).toMatchObject({ ok: false });
		expect(apiUrl(zapier, ['v4', segment], undefined, true)).toMatchObject({ ok: false });
	});

	test("the SDK API's paths end in a slash when asked, and their next-page links are read on that path only", () => {
		const sdk = base('https://sdkapi.zapier.com');
		const lookup = ['api', 'v4', 'lookup'];
		expect(apiUrl(sdk, lookup, { offset: '100' }, true)).toEqual({
			ok: true,
			value: 'https://sdkapi.zapier.com/api/v4/lookup/?offset=100',
		});
		expect(nextCursor('https://sdkapi.zapier.com/api/v4/lookup/?offset=200', sdk, lookup, true)).toEqual({ ok: true, value: 'offset=200' });
		expect(nextCursor('https://sdkapi.zapier.com/api/v4/lookup?offset=200', sdk, lookup, true)).toMatchObject({ ok: false });
		expect(nextCursor('https://sdkapi.zapier.com/api/v4/other/?offset=200', sdk, lookup, true)).toMatchObject({ ok: false });
	});

	test('whatever a segment holds, the URL stays on the base origin', () => {
		for (const segment of ['@evil.example', '//evil.example', '\\\\evil.example', ':8080', 'x:y@evil', '..%2f..%2f']) {
			const url = apiUrl(zapier, ['v2', segment]);
			if (url.ok) expect(new URL(url.value).origin).toBe('https://api.zapier.com');
		}
	});
});

describe('next-page links', () => {
	const apps = ['v2', 'apps'];
	test('only the query of a link to the same list is kept, whatever its host', () => {
		expect(nextCursor('https://evil.example/v2/apps?offset=4&limit=4', zapier, apps)).toEqual({ ok: true, value: 'offset=4&limit=4' });
		expect(nextCursor('/v2/apps?offset=8', zapier, apps)).toEqual({ ok: true, value: 'offset=8' });
		expect(nextCursor('https://proxy.example/zapier/v2/apps?offset=4', base('https://proxy.example/zapier'), apps)).toEqual({
			ok: true,
			value: 'offset=4',
		});
		expect(nextCursor(null, zapier, apps)).toEqual({ ok: true, value: undefined });
	});

	test('a link that leaves the list is refused', () => {
		expect(nextCursor('https://api.zapier.com/v2/action-runs?x=1', zapier, apps)).toMatchObject({ ok: false });
		expect(nextCursor('/v2/apps/../authentications', zapier, apps)).toMatchObject({ ok: false });
		expect(nextCursor(42, zapier, apps)).toMatchObject({ ok: false });
	});
});

describe('page tokens handed back by a caller', () => {
	test('the tokens this node gives out are read back as a query', () => {
		const token = nextCursor('https://api.zapier.com/v2/apps?query=a b/c&offset=4', zapier, ['v2', 'apps']);
		expect(token).toEqual({ ok: true, value: 'query=a+b%2Fc&offset=4' });
		const query = cursorQuery(token.ok ? token.value! : '');
		expect(query.ok && apiUrl(zapier, ['v2', 'apps'], query.value)).toEqual({
			ok: true,
			value: 'https://api.zapier.com/v2/apps?query=a+b%2Fc&offset=4',
		});
	});

	test.each([':8080/v2/apps', '.evil.example/x', '//evil.example/v2/apps', '/v2/action-runs', 'https://evil.example/', '?x=1#frag'])(
		'%p is refused: it is no query',
		(token) => {
			expect(cursorQuery(token)).toMatchObject({ ok: false });
		},
	);

	test('the first page has the cursor of its query', () => {
		expect(queryString({ query: 'x', ids: undefined })).toBe('query=x');
	});
});

describe('callback URLs', () => {
	test("Zapier's own API is told apart from a proxy or a sandbox", () => {
		expect(isZapierApi(zapier)).toBe(true);
		expect(isZapierApi(base('https://proxy.example/zapier'))).toBe(false);
		expect(isZapierApi(base('http://127.0.0.1:8787'))).toBe(false);
		expect(isZapierApi(base('https://zapier.com.evil.example'))).toBe(false);
		expect(checkCallbackUrl('https://fcdn.example.com/x', true)).toMatchObject({ ok: true });
	});

	test('for Zapier: HTTPS and a public address, at most 2,048 characters', () => {
		expect(checkCallbackUrl(' https://n8n.example.com/webhook/runs ', true)).toEqual({
			ok: true,
			value: 'https://n8n.example.com/webhook/runs',
		});
		expect(checkCallbackUrl('http://n8n.example.com/webhook/runs', true)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/must start with https/),
		});
		expect(checkCallbackUrl(`https://n8n.example.com/${'x'.repeat(2_048)}`, true)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/2048/),
		});
		expect(checkCallbackUrl('n8n.example.com/webhook', true)).toMatchObject({ ok: false, problem: expect.stringMatching(/is not a URL/) });
	});

	test.each([
		'https://localhost:5678/webhook/x',
		'https://127.0.0.1/webhook/x',
		'https://10.1.2.3/x',
		'https://172.16.0.1/x',
		'https://172.31.255.255/x',
		'https://192.168.1.10/x',
		'https://169.254.169.254/latest',
		'https://0.0.0.0/x',
		'https://[::1]/x',
		'https://[fd00::1]/x',
		'https://[fe80::1]/x',
		'https://[::ffff:127.0.0.1]/x',
	])('for Zapier, %s is refused: Zapier cannot call a private or loopback address', (url) => {
		expect(checkCallbackUrl(url, true)).toMatchObject({ ok: false, problem: expect.stringMatching(/private or loopback/) });
	});

	test('public addresses next to the private ranges pass', () => {
		for (const url of ['https://172.32.0.1/x', 'https://11.0.0.1/x', 'https://192.169.0.1/x', 'https://[2001:db8::1]/x']) {
			expect(checkCallbackUrl(url, true)).toMatchObject({ ok: true });
		}
	});

	test('a proxy or a sandbox decides for itself: loopback HTTP is sent as it is', () => {
		expect(checkCallbackUrl('http://127.0.0.1:5678/webhook/x', false)).toEqual({ ok: true, value: 'http://127.0.0.1:5678/webhook/x' });
		expect(checkCallbackUrl('ftp://127.0.0.1/x', false)).toMatchObject({ ok: false });
	});
});
