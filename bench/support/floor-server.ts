// The floor for bench/ingress: plain node:http doing what any verifying receiver must do
// per request — read the body, one ECDSA verify with a cached key, JSON.parse — and nothing else.
import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';

const jwksUrl = process.argv[2]!;
const { keys } = (await (await fetch(jwksUrl)).json()) as { keys: object[] };
const key = createPublicKey({ key: keys[0] as never, format: 'jwk' });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const id = String(req.headers['webhook-id']);
    const timestamp = String(req.headers['webhook-timestamp']);
    const signature = Buffer.from(String(req.headers['webhook-signature']).split(',')[1] ?? '', 'base64');
    const ok = verify('sha256', Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]), key, signature);
    const parsed = ok ? (JSON.parse(body.toString()) as { message: { type: string } }) : undefined;
    res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { status: 'accepted', job: parsed!.message.type } : { error: 'unauthorized' }));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
