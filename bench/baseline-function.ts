// The cold-start floor of this machine: a Web handler that imports nothing. Its row in the
// table is the cost of the harness, the first Request/Response (Node's undici) and the loader.
export default { fetch: async (_req: Request) => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }) };
