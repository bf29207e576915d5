import type { ZapierContext } from '../request';
import { credentialKindOf } from '../credentialKinds';
import { partnerApi } from './partner';
import { sdkApi } from './sdk';
import type { ZapierDialect } from './types';

/** The dialect of the API the node's credential speaks. */
export function dialectOf(ctx: ZapierContext): ZapierDialect {
	return credentialKindOf(ctx.getNode()).connectBy === 'clientCredentials' ? sdkApi : partnerApi;
}
