import { N8nServer, provisionN8n } from '../test/e2e/n8n';
(async () => {
	const n8n = new N8nServer(provisionN8n(), undefined, { N8N_LOG_LEVEL: 'info' });
	try {
		console.log(await n8n.start());
		await n8n.setupOwner();
		console.log('owner ok');
	} catch (e) {
		console.log(String(e).slice(0, 3000));
	}
	await n8n.stop();
	n8n.removeUserFolder();
})();
