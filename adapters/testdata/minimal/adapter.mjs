// @ts-check
// The smallest adapter a user can write on the kit, for the kit's package test: it is
// copied into an empty project that installs the kit from its npm tarball, must pass
// `conform adapter check`, and is type-checked against the kit's declarations (jsconfig.json).
//
// Each vat is a node:vm context given a fetch that sends plain-HTTP GETs through the
// harness's proxy with node:http (nothing else: it is no endowment, only enough for the
// check), checks the vat's allowedHosts and reports OutboundRequest/OutboundResponse.

import http from 'node:http';
import vm from 'node:vm';
import { CODES, RpcError, makeConsole, notification, serve } from '@conform-suite/adapter-kit';

/** @type {URL | undefined} */
let proxy;

/**
 * @param {string} vatId
 * @param {string[]} allowedHosts
 */
function makeFetch(vatId, allowedHosts) {
  /** @param {string} input */
  return async (input) => {
    const url = new URL(input);
    if (!allowedHosts.includes(url.hostname)) throw new TypeError(`host ${url.hostname} is not allowed`);
    if (!proxy) throw new Error('initialize has not run');
    notification('notify', { vatId, method: 'OutboundRequest', params: { source: 'fetch' } });
    /** @type {http.IncomingMessage} */
    const res = await new Promise((resolve, reject) => {
      http.get({ host: proxy?.hostname, port: proxy?.port, path: url.href, headers: { host: url.host } }, resolve).on('error', reject);
    });
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of res) chunks.push(chunk);
    notification('notify', { vatId, method: 'OutboundResponse', params: { source: 'fetch' } });
    return new Response(Buffer.concat(chunks), { status: res.statusCode });
  };
}

serve({
  name: 'minimal',
  version: '0.0.0',
  globals: ['fetch', 'Request', 'Headers', 'Response'],
  initialize(params) {
    proxy = new URL(params.network.proxy);
  },
  createVat({ vatId, globals, network }) {
    const allowedHosts = network?.allowedHosts;
    if (globals.includes('fetch') && allowedHosts === undefined) {
      throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts');
    }
    const context = vm.createContext({});
    /** @type {(value: unknown) => string | undefined} */
    const stringify = vm.runInContext('JSON.stringify', context);
    /** @type {Record<string, unknown>} */
    const offered = { fetch: makeFetch(vatId, allowedHosts ?? []), Request, Headers, Response };
    for (const name of globals) context[name] = offered[name];
    context.console = makeConsole(vatId, stringify);
    return { evaluate: (code) => vm.runInContext(code, context), stringify };
  },
});
