// Peer server for Tollgate's issuer benchmark: npm oidc-provider (exact
// version in package.json) issuing RFC 9068 JWT access tokens, signed ES256,
// for the client_credentials grant, as a user would configure it:
// resourceIndicators with one resource server whose accessTokenFormat is
// "jwt". JWT access tokens are not stored (oidc-provider's in-memory adapter
// sees no write on this path).
//
// Usage: node server.mjs --addr 127.0.0.1:9300 --client-id ID --client-secret S
// It prints "listening <issuer>" on stdout once it accepts connections.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    addr: { type: 'string', default: '127.0.0.1:9300' },
    'client-id': { type: 'string', default: 'bench' },
    'client-secret': { type: 'string', default: 'bench-secret' },
  },
});

const [host, port] = args.addr.split(':');
const issuer = `http://${args.addr}`;
const resource = 'https://api.tollgate.test/';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench-es256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write admin',
  }],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['read', 'write', 'admin'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'read write admin',
        audience: 'api',
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

const server = createServer(provider.callback());
server.keepAliveTimeout = 120_000;
server.listen(Number(port), host, () => console.log(`listening ${issuer}`));

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
