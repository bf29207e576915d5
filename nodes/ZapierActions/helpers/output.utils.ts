/** How errors and runs look as output items: for Continue On Fail, and for an AI agent. */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { RunError } from './errors';

/** An error as the item Continue On Fail outputs: message, description, HTTP code and, for a run, the run. */
export function errorItem(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	if ('description' in error && error.description) json.description = error.description as string;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	if (error instanceof RunError) json.run = error.run;
	return json;
}

/**
 * A failed tool call as the agent gets it: one text with the message and the description (the hint,
 * whether anything was sent, the run's ID), as n8n hands a model only an error's message.
 */
export function toolErrorItem(error: Error): IDataObject {
	const message = error.message.trim();
	const description = 'description' in error && typeof error.description === 'string' ? error.description.trim() : '';
	if (!description || message.includes(description)) return { error: message };
	return { error: `${message.replace(/[\s.]+$/, '')}. ${description}` };
}

/** An AI agent gets what the run produced, not the envelope around it; an unfinished run keeps its ID. */
export function compactRun(json: IDataObject): IDataObject {
	const errors = json.errors as unknown[] | undefined;
	return {
		status: json.status,
		results: json.results,
		...(errors?.length ? { errors } : {}),
		...(json.status !== 'success' ? { id: json.id } : {}),
	};
}
