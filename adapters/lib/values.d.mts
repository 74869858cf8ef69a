// Types of values.mjs: the value formatting both sides of a vat need. values.mjs imports
// nothing, so code running inside a vat (a worker, a page) can load it as well.

/** A thrown value as the protocol reports it (harness/PROTOCOL.md §3). */
export interface ErrorShape {
  name: string;
  message: string;
}

/** A JSON.stringify: the vat's own, or the host's. */
export type Stringify = (value: unknown) => string | undefined;

/** The protocol's {name, message} of a thrown value. Never throws. */
export declare function errorShape(e: unknown): ErrorShape;

/**
 * The text of one console argument: strings verbatim, plain objects and arrays as JSON when
 * they serialise (with stringify), anything else as String(v). fallback(v) is tried when that
 * throws; without it, or when it throws too, the text is "[unprintable]".
 */
export declare function formatArg(v: unknown, stringify: Stringify, fallback?: (v: unknown) => unknown): string;

/** One log message from a console call's arguments, joined by a space. */
export declare function formatConsoleArgs(args: readonly unknown[], stringify: Stringify, fallback?: (v: unknown) => unknown): string;
