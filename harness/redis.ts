/** A Redis server on 127.0.0.1, for n8n's queue mode (Debian's redis-server, installed by `.ci/run`). */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';

import { freePort, stopProcess } from './n8n';

export interface Redis {
	port: number;
	/** The environment that puts n8n in queue mode on this Redis. */
	queueEnv: Record<string, string>;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
	const redisServer = execFileSync('bash', ['-c', 'command -v redis-server || true']).toString().trim();
	if (!redisServer) throw new Error("No redis-server: install Debian's redis-server (apt-get install -y redis-server)");
	const port = await freePort();
	const redis: ChildProcess = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
	});
	return {
		port,
		queueEnv: {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		},
		stop: async () => await stopProcess(redis),
	};
}
