import { timeoutSeconds } from '../../../nodes/ZapierActions/actions/actionRun/runOutput';

describe('how long a wait lasts', () => {
	test('in a workflow: the Timeout, 180 s unless set, however long', () => {
		expect(timeoutSeconds(undefined, false)).toEqual({ ok: true, value: 180 });
		expect(timeoutSeconds(600, false)).toEqual({ ok: true, value: 600 });
		expect(timeoutSeconds(2.5, false)).toEqual({ ok: true, value: 2.5 });
	});

	test("as an agent's tool: 45 s unless set, and never beyond 100 s, within n8n's 120 s for a tool call", () => {
		expect(timeoutSeconds(undefined, true)).toEqual({ ok: true, value: 45 });
		expect(timeoutSeconds(10, true)).toEqual({ ok: true, value: 10 });
		expect(timeoutSeconds(100, true)).toEqual({ ok: true, value: 100 });
		expect(timeoutSeconds(180, true)).toEqual({ ok: true, value: 100 });
		expect(timeoutSeconds(1e12, true)).toEqual({ ok: true, value: 100 });
	});

	test('a Timeout that is no number of seconds above 0 is refused, tool or not', () => {
		for (const asTool of [false, true]) {
			for (const raw of [0, -5, 'soon', Infinity, Number.NaN]) {
				expect(timeoutSeconds(raw, asTool)).toEqual({ ok: false, problem: expect.stringMatching(/^must be a number of seconds above 0/) });
			}
		}
	});
});
