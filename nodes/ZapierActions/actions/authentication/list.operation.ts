import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkId, need } from '../../helpers/validate';
import { dialectOf } from '../../transport/api/dialect';
import { appLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['authentication'], operation: ['list'] } }, [appLocator]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const app = need(this.getNode(), 'App', checkId(this.getNodeParameter('app', itemIndex, '', { extractValue: true })), itemIndex);
	return (await dialectOf(this).authentications(this, app)).map((json) => ({ json }));
}
