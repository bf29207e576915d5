import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * An item failed over a run that exists in Zapier (it ended in error, was still going at the timeout,
 * or could not be read): the error carries the run, so that its ID is never lost.
 */
export class RunError extends NodeOperationError {
	constructor(
		node: INode,
		readonly run: IDataObject & { id: string; status: string },
		message: string,
		options: { itemIndex: number; description: string },
	) {
		super(node, message, options);
	}
}
