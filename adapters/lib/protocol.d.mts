// Types of protocol.mjs, the conform adapter protocol (harness/PROTOCOL.md, versions 1 and
// 1.1) for adapters written in Node. README.md describes each hook; this file states their
// shapes so that an adapter written in TypeScript (or JavaScript checked with // @ts-check)
// is checked against them.

import type { ErrorShape, Stringify } from './values.mjs';

export { errorShape, formatArg, formatConsoleArgs } from './values.mjs';
export type { ErrorShape, Stringify } from './values.mjs';

/** The version the harness sends in initialize, and the one a version-1 adapter answers. */
export declare const PROTOCOL_VERSION: '1';
/** The version an adapter that offers teardownVat answers (version 1 plus that method). */
export declare const PROTOCOL_VERSION_TEARDOWN: '1.1';
/** The feature such an adapter lists in initialize's features. */
export declare const FEATURE_TEARDOWN_VAT: 'teardownVat';

/** The protocol's error codes (PROTOCOL.md §5). */
export declare const CODES: {
  readonly parse: -32700;
  readonly invalidRequest: -32600;
  readonly methodNotFound: -32601;
  readonly invalidParams: -32602;
  readonly internal: -32603;
  readonly vatExists: -32001;
  readonly unknownVat: -32002;
  readonly configDenied: -32003;
  readonly taskExists: -32004;
};

/** One of CODES' values. */
export type ErrorCode = (typeof CODES)[keyof typeof CODES];

/** An error that becomes the JSON-RPC error {code, message} of the request being handled. */
export declare class RpcError extends Error {
  constructor(code: number, message: string);
  code: number;
}

/** A JSON-RPC request id as the kit answers it: the request's, or null when it had none. */
export type RequestId = number | null;

export declare function respond(id: RequestId, result: unknown): void;
export declare function respondError(id: RequestId, code: number, message: string): void;
/** Writes a JSON-RPC notification (no id) to stdout. */
export declare function notification(method: string, params?: unknown): void;

/** A logger to stderr whose lines start with [name]; non-string arguments are inspected. */
export type Log = (...args: unknown[]) => void;
export declare function makeLog(name: string): Log;

/**
 * A program's outcome: {json} with the JSON text of its value, {} when the value was
 * undefined (or JSON.stringify returned undefined), or {error} for what it threw.
 */
export type Outcome = { json: string; error?: undefined } | { json?: undefined; error?: undefined } | { error: ErrorShape; json?: undefined };

export declare function respondOutcome(id: number, outcome: Outcome): void;
export declare function notifyTaskSettled(vatId: string, taskId: string, outcome: Outcome): void;

/** The console levels a vat's console has, each a `log` notification's level. */
export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** A vat's console: each call is one `log` notification. */
export type VatConsole = { [level in LogLevel]: (...args: unknown[]) => void };

/** A console whose calls become `log` notifications of vatId; stringify formats objects. */
export declare function makeConsole(vatId: string, stringify: Stringify): VatConsole;

/** initialize's params (PROTOCOL.md §4.1). */
export interface InitializeParams {
  protocolVersion: string;
  network: {
    /** The mock network's forward proxy: every vat's outbound HTTP must go through it. */
    proxy: string;
    /** The PEM certificate of the run's certificate authority, to trust for vat traffic (tls.mjs's runCA reads it). */
    ca?: string;
    /** The mock network's DNS server (127.0.0.1:PORT), for a runtime that resolves names itself. */
    dns?: string;
    [setting: string]: unknown;
  };
  [param: string]: unknown;
}

/** A vat's network configuration, as createVat's params carry it (PROTOCOL.md §4.2). */
export interface VatNetwork {
  /** The host allowlist; absent: none configured; []: every host denied. */
  allowedHosts?: string[];
  [setting: string]: unknown;
}

/** The sink createVat is given for what a remote vat reports. */
export interface VatEvents {
  /** Writes a `notify` notification of the vat. */
  notify(method: string, params?: unknown): void;
  /** Writes a `log` notification of the vat. */
  log(level: LogLevel | string, message: string): void;
}

export interface CreateVatParams {
  vatId: string;
  /** Every name is one the adapter offers (serve's globals). */
  globals: string[];
  network?: VatNetwork;
  events: VatEvents;
}

/** A vat in the adapter's own process: the kit wraps, runs and serialises its programs. */
export interface InProcessVat {
  /** Runs code in the vat and returns its completion value. */
  evaluate(code: string): unknown;
  /** The vat's JSON.stringify, read once the synchronous part of each program has run. */
  readonly stringify: Stringify;
  run?: undefined;
}

/** A vat elsewhere (a worker, a page, a process): it runs and serialises its programs. */
export interface RemoteVat {
  /** Runs source as the body of an async function in the vat; resolves to its outcome. */
  run(source: string): Outcome | Promise<Outcome>;
}

export type Vat = InProcessVat | RemoteVat;

/** What an adapter supplies to serve(): what differs between implementations. */
export interface Adapter<V extends Vat = Vat> {
  /** initialize's name and the stderr log prefix. */
  name: string;
  /** initialize's version. */
  version: string;
  /** Every global name createVat accepts; any other is refused (-32003). */
  globals: readonly string[];
  /** Sets the implementation up; route every vat's HTTP through params.network.proxy. */
  initialize(params: InitializeParams): void | Promise<void>;
  /** Makes a vat; throw RpcError(CODES.configDenied, …) to refuse its configuration. */
  createVat(params: CreateVatParams): V | Promise<V>;
  /** Tears the vat down; called for every terminateVat of it and at shutdown. Idempotent. */
  terminateVat?(vat: V): void | Promise<void>;
  /** Protocol 1.1: tears the vat's endowment down and keeps the vat; makes the kit offer teardownVat. */
  teardownVat?(vat: V): void | Promise<void>;
}

/** Serves the protocol on stdin/stdout until shutdown or until stdin closes. */
export declare function serve<V extends Vat>(adapter: Adapter<V>): void;
