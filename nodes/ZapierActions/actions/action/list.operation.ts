import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkId, need } from '../../helpers/validate';
import { dialectOf } from '../../transport/api/dialect';
import { actionTypeFilter, appLocator } from '../common.descriptions';

export const description = updateDisplayOptions({ show: { resource: ['action'], operation: ['list'] } }, [appLocator, actionTypeFilter]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const app = need(this.getNode(), 'App', checkId(this.getNodeParameter('app', itemIndex, '', { extractValue: true })), itemIndex);
	const actionType = (this.getNodeParameter('actionType', itemIndex, '') as string) || undefined;
	return (await dialectOf(this).actions(this, app, actionType)).map((json) => ({ json }));
}
