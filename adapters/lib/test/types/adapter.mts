// An adapter written in TypeScript against the kit's declarations, by package name, as a
// user writes one: `npm run typecheck` compiles it (never runs it). The three assignments
// at the end expect an error each: they show the declarations reject what the kit would
// refuse at run time.

import {
  CODES,
  FEATURE_TEARDOWN_VAT,
  PROTOCOL_VERSION,
  RpcError,
  makeConsole,
  makeLog,
  notification,
  serve,
  type Adapter,
  type Outcome,
  type RemoteVat,
} from '@conform-suite/adapter-kit';
import { errorShape, formatConsoleArgs, type ErrorShape } from '@conform-suite/adapter-kit/values';

const log = makeLog('typed');
const version: '1' = PROTOCOL_VERSION;
const feature: 'teardownVat' = FEATURE_TEARDOWN_VAT;
const code: number = CODES.configDenied;
log(version, feature, code);

// An in-process vat that carries what its teardown needs.
interface MyVat {
  evaluate(code: string): unknown;
  stringify: (value: unknown) => string | undefined;
  close(): Promise<void>;
}

const adapter: Adapter<MyVat> = {
  name: 'typed',
  version: '0.0.0',
  globals: ['fetch'],
  initialize(params) {
    const proxy: string = params.network.proxy;
    log(proxy);
  },
  createVat({ vatId, globals, network, events }) {
    if (globals.includes('fetch') && network?.allowedHosts === undefined) {
      throw new RpcError(CODES.configDenied, 'fetch requires network.allowedHosts');
    }
    events.notify('OutboundRequest', { source: 'fetch' });
    const console = makeConsole(vatId, JSON.stringify);
    console.info('made');
    notification('notify', { vatId, method: 'OutboundResponse' });
    return { evaluate: (code) => code, stringify: JSON.stringify, close: async () => {} };
  },
  async terminateVat(vat) {
    await vat.close();
  },
  teardownVat: (vat) => vat.close(),
};
serve(adapter);

// A remote vat: run() resolves to an outcome.
const remote: RemoteVat = {
  async run(source): Promise<Outcome> {
    try {
      return { json: JSON.stringify(source.length) };
    } catch (e) {
      const shape: ErrorShape = errorShape(e);
      return { error: shape };
    }
  },
};
log(remote, formatConsoleArgs(['a', 1], JSON.stringify));

// @ts-expect-error: an outcome's json is the JSON text, not the value
const wrongOutcome: Outcome = { json: 42 };
// @ts-expect-error: a vat is in-process (evaluate) or remote (run)
const noVat: Adapter = { name: 'x', version: '1', globals: [], initialize() {}, createVat: () => ({}) };
// @ts-expect-error: initialize is required
const noInitialize: Adapter = { name: 'x', version: '1', globals: [], createVat: () => remote };
log(wrongOutcome, noVat, noInitialize);
